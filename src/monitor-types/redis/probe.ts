/**
 * `redis`: connect, authenticate, select a database, run one read-only command (PING by default).
 * Target `host[:port]` (6379 by default). Facts: `redis.version`, `redis.reply` (the reply as
 * text), `redis.commandMs`.
 */
import type { TLSSocket } from "node:tls";
import { readCertificate } from "../../probe/cert-info.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, msSince, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { sniName } from "../client-values.ts";

export const REDIS_DEFAULT_PORT = 6379;

/**
 * Commands a monitor may run: they only read, and answer with one small value. Anything that
 * writes, blocks, scans the keyspace or changes the connection (MONITOR, SUBSCRIBE) is refused.
 */
export const REDIS_COMMANDS = [
  "PING",
  "ECHO",
  "GET",
  "EXISTS",
  "TYPE",
  "TTL",
  "PTTL",
  "STRLEN",
  "LLEN",
  "SCARD",
  "ZCARD",
  "HLEN",
  "XLEN",
  "HGET",
  "SISMEMBER",
  "ZSCORE",
  "DBSIZE",
  "LASTSAVE",
  "TIME",
] as const;
export type RedisCommand = (typeof REDIS_COMMANDS)[number];

export interface RedisSettings {
  /** ACL user (Redis 6+); absent: `default`. */
  username?: string;
  /** Write-only in the API (stored as given, like http auth); blanked out of every message. */
  password?: string;
  /** Logical database (SELECT), 0 by default. */
  database: number;
  command: RedisCommand;
  /** The command's arguments (a key, a field…). */
  args: string[];
  tls: boolean;
  /** With `tls`, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type RedisCheckSpec = ClientCheckSpec & { redis: RedisSettings };

/** ioredis, loaded on the first check of this type, not at start: most servers never run one, and the library costs memory and start-up time (docs/benchmarks.md). */
let ioredis: Awaited<ReturnType<typeof loadIoredis>> | undefined;
const loadIoredis = () => import("ioredis");

export async function probeRedis(spec: RedisCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  ioredis ??= await loadIoredis();
  const { Redis } = ioredis;
  const settings = spec.redis;
  let cert: ClientObservation["cert"];
  const secrets = [settings.password];
  const run = runClientCheck(spec, options, REDIS_DEFAULT_PORT, secrets, async (ctx) => {
    const { target, deadline, phases, facts } = ctx;
    if (!(REDIS_COMMANDS as readonly string[]).includes(settings.command)) {
      throw new ProbeFailure("protocol", "command not allowed");
    }
    const connectStarted = deadline.elapsed();
    const client = new Redis({
      host: target.address,
      port: target.port,
      username: settings.username,
      password: settings.password,
      db: settings.database,
      tls: settings.tls ? { rejectUnauthorized: false, servername: sniName(target.hostname) } : undefined,
      // One attempt, no queue, no retry, no reconnect: the check is one conversation.
      lazyConnect: true,
      enableOfflineQueue: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      autoResubscribe: false,
      connectionName: "upblit",
    });
    // connect() rejects with a bare "Connection is closed."; the cause is the last error event.
    let lastError: unknown;
    client.on("error", (err: unknown) => {
      lastError = err;
    });
    ctx.onCleanup(() => client.disconnect(false));
    client.once("connect", () => {
      phases.connect = deadline.elapsed() - connectStarted;
    });
    await client.connect().catch((err: unknown) => rethrowReply(lastError ?? err));
    if (settings.tls) {
      const socket = (client as unknown as { stream: TLSSocket }).stream;
      cert = readCertificate(socket, target.hostname);
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch)) {
        throw new ProbeFailure("tls", "certificate not trusted");
      }
    }
    const info = await client.info("server").catch(rethrowReply);
    const version = /^redis_version:(.+)$/m.exec(info)?.[1]?.trim();
    if (version) facts["redis.version"] = shortText(version, 100);
    const started = deadline.elapsed();
    const reply = await client.call(settings.command, ...settings.args).catch(rethrowReply);
    facts["redis.commandMs"] = msSince(deadline, started);
    facts["redis.reply"] = replyText(reply);
    client.disconnect(false);
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

/** The server said no (WRONGPASS, NOPERM, WRONGTYPE…): a protocol failure in its words. */
function rethrowReply(err: unknown): never {
  // ioredis types ReplyError as `any`; it is an Error subclass from redis-errors.
  if (ioredis && err instanceof (ioredis.ReplyError as typeof Error)) {
    throw new ProbeFailure("protocol", shortText(`server: ${err.message}`, 300));
  }
  throw err;
}

function replyText(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return shortText(reply.toString("utf8"));
  if (Array.isArray(reply)) return shortText(reply.map((r) => String(r)).join(" "));
  return shortText(String(reply));
}
