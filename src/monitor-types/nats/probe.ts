/**
 * `nats`: connect to a NATS server, log in (user/password or token), PING/PONG, and optionally
 * make a request (publish with a reply inbox, wait for the answer). Target `host[:port]` (4222).
 * Spoken directly over the socket the probe opened to the vetted address (README.md: why not the
 * `nats` client). Facts: `nats.version`, `nats.roundTripMs`, with a request `nats.reply`,
 * `nats.requestMs`.
 */
import { randomBytes } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { readCertificate } from "../../probe/cert-info.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import { openTcpSocket } from "../../probe/socket-connect.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, msSince, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { LineSocket } from "../line-socket.ts";

export const NATS_DEFAULT_PORT = 4222;
/** A reply larger than this is refused (the server's default max_payload is 1 MiB). */
const MAX_REPLY_BYTES = 1024 * 1024;

export interface NatsSettings {
  username?: string;
  /** Write-only in the API; blanked out of every message. */
  password?: string;
  /** Write-only in the API; blanked out of every message. */
  token?: string;
  /** A request: published with a fresh reply inbox; the first answer is `nats.reply`. */
  request?: { subject: string; payload: string };
  /** Upgrade to TLS after the server's INFO (NATS's usual TLS). */
  tls: boolean;
  verifyTls: boolean;
}

export type NatsCheckSpec = ClientCheckSpec & { nats: NatsSettings };

export function probeNats(spec: NatsCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  const settings = spec.nats;
  let cert: ClientObservation["cert"];
  const secrets = [settings.password, settings.token];
  const run = runClientCheck(spec, options, NATS_DEFAULT_PORT, secrets, async (ctx) => {
    const { target, deadline, phases, facts } = ctx;
    const opened = await openTcpSocket(target.address, target.port, deadline.signal);
    phases.connect = opened.connectMs;
    ctx.onCleanup(() => opened.socket.destroy());
    let lines = new LineSocket(opened.socket);
    const info = parseInfo(await lines.readLine());
    if (typeof info.version === "string") facts["nats.version"] = shortText(info.version, 100);
    if (info.tls_required === true && !settings.tls)
      throw new ProbeFailure("protocol", "server requires TLS (set nats.tls)");
    if (settings.tls) {
      const tlsStarted = deadline.elapsed();
      const upgraded = await lines.startTls(target.hostname, deadline.signal);
      phases.tls = deadline.elapsed() - tlsStarted;
      ctx.onCleanup(() => upgraded.tls.destroy());
      lines = upgraded.lines;
      cert = readCertificate(upgraded.tls as TLSSocket, target.hostname);
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch))
        throw new ProbeFailure("tls", "certificate not trusted");
    }
    const pingStarted = deadline.elapsed();
    lines.write(`CONNECT ${JSON.stringify(connectOptions(settings))}\r\nPING\r\n`);
    await waitFor(lines, (line) => line === "PONG");
    facts["nats.roundTripMs"] = msSince(deadline, pingStarted);
    if (settings.request) {
      const { subject, payload } = settings.request;
      const inbox = `_INBOX.upblit.${randomBytes(8).toString("hex")}`;
      const body = Buffer.from(payload, "utf8");
      const started = deadline.elapsed();
      lines.write(`SUB ${inbox} 1\r\nUNSUB 1 1\r\nPUB ${subject} ${inbox} ${body.length}\r\n`);
      lines.write(Buffer.concat([body, Buffer.from("\r\n")]));
      facts["nats.reply"] = await readReply(lines);
      facts["nats.requestMs"] = msSince(deadline, started);
    }
    opened.socket.end();
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

function connectOptions(settings: NatsSettings): Record<string, unknown> {
  return {
    verbose: false,
    pedantic: false,
    tls_required: settings.tls,
    name: "upblit",
    lang: "upblit",
    version: "1",
    protocol: 1,
    // Headers let the server answer "no responders" at once instead of leaving the request unanswered.
    headers: true,
    no_responders: true,
    ...(settings.username !== undefined ? { user: settings.username } : {}),
    ...(settings.password !== undefined ? { pass: settings.password } : {}),
    ...(settings.token !== undefined ? { auth_token: settings.token } : {}),
  };
}

function parseInfo(line: string): Record<string, unknown> {
  if (!line.startsWith("INFO ")) throw new ProbeFailure("protocol", "not a NATS server (no INFO)");
  try {
    const info: unknown = JSON.parse(line.slice(5));
    if (typeof info === "object" && info !== null) return info as Record<string, unknown>;
  } catch {
    // Falls through to the protocol failure below.
  }
  throw new ProbeFailure("protocol", "not a NATS server (bad INFO)");
}

/** Reads until `done` holds for a line; answers the server's PINGs, fails on -ERR. */
async function waitFor(lines: LineSocket, done: (line: string) => boolean): Promise<string> {
  for (;;) {
    const line = await lines.readLine();
    if (done(line)) return line;
    if (line.startsWith("-ERR"))
      throw new ProbeFailure("protocol", shortText(`server: ${line.slice(5)}`, 200));
    if (line === "PING") lines.write("PONG\r\n");
    // +OK, INFO updates and anything else: keep reading.
  }
}

/** The first answer to the request: `MSG … <bytes>` or `HMSG … <header bytes> <total bytes>`. */
async function readReply(lines: LineSocket): Promise<string> {
  const line = await waitFor(lines, (l) => l.startsWith("MSG ") || l.startsWith("HMSG "));
  const parts = line.split(" ");
  const total = Number(parts.at(-1));
  if (!Number.isInteger(total) || total < 0 || total > MAX_REPLY_BYTES)
    throw new ProbeFailure("protocol", "reply too large or malformed");
  const data = await lines.readBytes(total + 2);
  if (parts[0] === "MSG") return shortText(data.subarray(0, total).toString("utf8"));
  const headerBytes = Number(parts.at(-2));
  if (!Number.isInteger(headerBytes) || headerBytes < 0 || headerBytes > total)
    throw new ProbeFailure("protocol", "reply malformed");
  const headers = data.subarray(0, headerBytes).toString("utf8");
  if (/^NATS\/1\.0 503/.test(headers)) throw new ProbeFailure("protocol", "no responders on the subject");
  return shortText(data.subarray(headerBytes, total).toString("utf8"));
}
