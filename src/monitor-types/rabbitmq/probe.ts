/**
 * `rabbitmq` (AMQP 0-9-1): connect, authenticate on a virtual host, open a channel and, when a
 * queue is named, check that it exists (a passive declare: nothing is created).
 * Target `host[:port]` (5672, or 5671 with TLS). Facts: `rabbitmq.version`, `rabbitmq.product`, and
 * with a queue `rabbitmq.messages`, `rabbitmq.consumers`, `rabbitmq.queueMs`.
 */
import type { TLSSocket } from "node:tls";
import type { Connection } from "amqplib";
import { readCertificate } from "../../probe/cert-info.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, msSince, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { sniName } from "../client-values.ts";

export const AMQP_DEFAULT_PORT = 5672;
export const AMQPS_DEFAULT_PORT = 5671;

export interface RabbitmqSettings {
  username: string;
  /** Write-only in the API (stored as given, like http auth); blanked out of every message. */
  password?: string;
  /** Virtual host, `/` by default. */
  vhost: string;
  /** When given, the check fails unless this queue exists on the virtual host. */
  queue?: string;
  /** AMQPS: TLS from the first byte (port 5671 by default). */
  tls: boolean;
  /** With `tls`, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type RabbitmqCheckSpec = ClientCheckSpec & { rabbitmq: RabbitmqSettings };

interface AmqpInternals {
  stream: unknown;
}

/** amqplib, loaded on the first check of this type, not at start: most servers never run one, and the library costs memory and start-up time (docs/benchmarks.md). */
let library: Awaited<ReturnType<typeof load>> | undefined;
// A CommonJS module: its exports are `default` at run time; the types know them as the namespace.
const load = async () => {
  const mod = await import("amqplib");
  return (mod as unknown as { default?: typeof mod }).default ?? mod;
};

export async function probeRabbitmq(
  spec: RabbitmqCheckSpec,
  options: ProbeOptions,
): Promise<ClientObservation> {
  library ??= await load();
  const amqp = library;
  const settings = spec.rabbitmq;
  const defaultPort = settings.tls ? AMQPS_DEFAULT_PORT : AMQP_DEFAULT_PORT;
  let cert: ClientObservation["cert"];
  const run = runClientCheck(spec, options, defaultPort, [settings.password], async (ctx) => {
    const { target, deadline, facts } = ctx;
    const connecting = amqp.connect(
      {
        protocol: settings.tls ? "amqps" : "amqp",
        hostname: target.address,
        port: target.port,
        username: settings.username,
        password: settings.password ?? "",
        vhost: settings.vhost,
        heartbeat: 0,
      },
      {
        // amqplib's own idle timeout ends a handshake the deadline gave up on (a silent server).
        timeout: spec.timeoutMs,
        noDelay: true,
        servername: sniName(target.hostname),
        rejectUnauthorized: false,
        clientProperties: { connection_name: "upblit" },
      },
    );
    // After the deadline the connection may still open: close it then.
    ctx.onCleanup(() => connecting.then((model) => model.close()).catch(() => {}));
    const model = await connecting.catch(rethrowServer);
    model.on("error", () => {});
    const connection = model.connection as unknown as AmqpInternals & Connection;
    const server = connection.serverProperties;
    if (server.version) facts["rabbitmq.version"] = shortText(String(server.version), 100);
    if (server.product) facts["rabbitmq.product"] = shortText(String(server.product), 100);
    if (settings.tls) {
      cert = readCertificate(connection.stream as TLSSocket, target.hostname);
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch)) {
        throw new ProbeFailure("tls", "certificate not trusted");
      }
    }
    const channel = await model.createChannel().catch(rethrowServer);
    channel.on("error", () => {});
    if (settings.queue) {
      const started = deadline.elapsed();
      const queue = await channel.checkQueue(settings.queue).catch(rethrowServer);
      facts["rabbitmq.queueMs"] = msSince(deadline, started);
      facts["rabbitmq.messages"] = queue.messageCount;
      facts["rabbitmq.consumers"] = queue.consumerCount;
    }
    await model.close();
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

/**
 * The broker said no: a refused login (403 ACCESS-REFUSED), an unknown virtual host or queue
 * (404 NOT_FOUND) arrive as errors with a numeric AMQP reply code; keep the broker's words.
 */
function rethrowServer(err: unknown): never {
  if (err instanceof Error && typeof (err as { code?: unknown }).code === "number") {
    throw new ProbeFailure("protocol", shortText(`server: ${err.message}`, 300));
  }
  if (err instanceof Error && /^Handshake terminated by server/.test(err.message)) {
    throw new ProbeFailure("protocol", shortText(`server: ${err.message}`, 300));
  }
  // amqplib's words when the broker closes during Connection.Open: an unknown virtual host, or one
  // the user may not use.
  if (err instanceof Error && /^Expected ConnectionOpenOk; got <ConnectionClose/.test(err.message)) {
    throw new ProbeFailure(
      "protocol",
      "server: connection closed while opening the virtual host (unknown, or no access)",
    );
  }
  throw err;
}
