import type { Socket } from "node:net";
import type { buildConnector, Client } from "undici";
import type { CertificateInfo } from "../domain/check-result.ts";
import { certificateProblem, readCertificate } from "./cert-info.ts";
import { timeoutFailure } from "./deadline.ts";
import { ProbeFailure } from "./probe-error.ts";
import { openFirst, openTcpSocket, openTlsSocket } from "./socket-connect.ts";
import { normalizeHostname, resolveSafe } from "./target-safety.ts";

/**
 * The reason a one-request client is destroyed with once its exchange is over. `close()` and
 * `destroy()` without a reason each build a ClientDestroyedError, whose stack Node formats when it
 * destroys the socket with it (~3.5 % of a saturated probe's CPU, ~10 % of the notifier's when
 * source maps are on); this one is made once.
 */
export const EXCHANGE_ENDED = new Error("exchange ended");

/** Destroys a client whose one exchange is over (or abandoned); never throws. */
export function endClient(client: Pick<Client, "destroy">): Promise<void> {
  return client.destroy(EXCHANGE_ENDED).catch(() => {});
}

/** What the connector saw across the hops of one check; phases are summed, the rest is the last hop's. */
export interface ConnectRecord {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  remoteAddress?: string;
  cert?: CertificateInfo;
  /** The real reason a connect failed, in case the HTTP client wraps or replaces the error. */
  failure?: unknown;
}

export interface ConnectorContext {
  url: URL;
  allowPrivate: boolean;
  verifyTls: boolean;
  signal: AbortSignal;
  record: ConnectRecord;
}

/**
 * An undici connector that vets the target at connect time and connects to exactly the address it
 * vetted, so DNS rebinding between check and use is impossible. One call = one fresh socket.
 */
export function createSafeConnector(ctx: ConnectorContext): buildConnector.connector {
  return (_options, callback) => {
    connectHop(ctx).then(
      (socket) => callback(null, socket),
      (err: unknown) => {
        ctx.record.failure ??= err;
        callback(err instanceof Error ? err : new ProbeFailure("internal", String(err)), null);
      },
    );
  };
}

async function connectHop(ctx: ConnectorContext): Promise<Socket> {
  const { record, signal } = ctx;
  const hostname = normalizeHostname(ctx.url.hostname);
  const https = ctx.url.protocol === "https:";
  const port = Number(ctx.url.port) || (https ? 443 : 80);
  record.cert = undefined;
  const resolved = await resolveSafe(hostname, ctx.allowPrivate);
  if (signal.aborted) throw timeoutFailure();
  record.dnsMs = (record.dnsMs ?? 0) + resolved.dnsMs;
  if (!https) {
    const tcp = await openFirst(resolved.addresses, (a) => openTcpSocket(a, port, signal));
    record.remoteAddress = tcp.address;
    record.connectMs = (record.connectMs ?? 0) + tcp.failedMs + tcp.opened.connectMs;
    return tcp.opened.socket;
  }
  const tls = await openFirst(resolved.addresses, (a) =>
    openTlsSocket(a, port, hostname, signal, ["http/1.1"]),
  );
  const opened = tls.opened;
  record.remoteAddress = tls.address;
  record.connectMs = (record.connectMs ?? 0) + tls.failedMs + opened.connectMs;
  record.tlsMs = (record.tlsMs ?? 0) + opened.tlsMs;
  record.cert = readCertificate(opened.socket, hostname);
  const problem = ctx.verifyTls ? certificateProblem(opened.socket) : undefined;
  if (problem) {
    opened.socket.destroy();
    throw new ProbeFailure("tls", `certificate not trusted (${problem})`);
  }
  return opened.socket;
}
