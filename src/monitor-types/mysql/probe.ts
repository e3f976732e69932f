/**
 * `mysql` (MySQL and MariaDB): connect, authenticate, optionally run one read-only query.
 * Target `host[:port]` (3306 by default). Facts: `mysql.version`, and with a query
 * `mysql.result` (the first value of the first row, as text), `mysql.rows`, `mysql.queryMs`.
 */
import type { TLSSocket } from "node:tls";
import type { Connection } from "mysql2/promise";
import { readCertificate } from "../../probe/cert-info.ts";
import { timeoutFailure } from "../../probe/deadline.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import { openTcpSocket } from "../../probe/socket-connect.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import {
  type ClientCheckContext,
  type ClientCheckSpec,
  type ClientObservation,
  msSince,
  runClientCheck,
} from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { firstCell } from "../client-values.ts";

export const MYSQL_DEFAULT_PORT = 3306;

export interface MysqlSettings {
  /** Absent: connect without selecting a database. */
  database?: string;
  username: string;
  /** Write-only in the API (stored as given, like http auth); blanked out of every message. */
  password?: string;
  /** Run in a READ ONLY transaction, one statement, with a server-side time limit. */
  query?: string;
  /** Ask for TLS (the server must offer it); the certificate is reported like a tls monitor's. */
  tls: boolean;
  /** With `tls`, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type MysqlCheckSpec = ClientCheckSpec & { mysql: MysqlSettings };

/** Inner connection fields mysql2 does not type: the socket in use and the server's greeting. */
interface MysqlInternals {
  stream: unknown;
  _handshakePacket?: { serverVersion?: string };
}

/** mysql2, loaded on the first check of this type, not at start: most servers never run one, and the library costs memory and start-up time (docs/benchmarks.md). */
let library: Awaited<ReturnType<typeof load>> | undefined;
// A CommonJS module: its exports are `default` at run time; the types know them as the namespace.
const load = async () => {
  const mod = await import("mysql2/promise");
  return (mod as unknown as { default?: typeof mod }).default ?? mod;
};

export async function probeMysql(spec: MysqlCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  library ??= await load();
  const mysql = library;
  const settings = spec.mysql;
  let cert: ClientObservation["cert"];
  const run = runClientCheck(spec, options, MYSQL_DEFAULT_PORT, [settings.password], async (ctx) => {
    const { target, deadline, phases, facts } = ctx;
    // We open the socket to the vetted address ourselves and hand it to mysql2.
    const opened = await openTcpSocket(target.address, target.port, deadline.signal);
    phases.connect = opened.connectMs;
    ctx.onCleanup(() => opened.socket.destroy());
    const connection = await mysql
      .createConnection({
        stream: opened.socket,
        // With a stream, mysql2 uses `host` only as the TLS server name (none for an IP literal).
        host: target.hostname,
        user: settings.username,
        password: settings.password ?? "",
        database: settings.database,
        multipleStatements: false,
        rowsAsArray: true,
        ...(settings.tls ? { ssl: { rejectUnauthorized: false } } : {}),
      })
      .catch((err: unknown) => {
        throw asServerFailure(err);
      });
    const internals = (connection as unknown as { connection: MysqlInternals }).connection;
    ctx.onCleanup(() => connection.destroy());
    connection.on("error", () => {});
    const version = internals._handshakePacket?.serverVersion;
    if (version) facts["mysql.version"] = shortText(version, 100);
    if (settings.tls) {
      const socket = internals.stream as TLSSocket;
      cert =
        typeof socket.getPeerCertificate === "function"
          ? readCertificate(socket, target.hostname)
          : undefined;
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch)) {
        throw new ProbeFailure("tls", "certificate not trusted");
      }
    }
    if (settings.query) {
      await runReadOnlyQuery(connection, settings.query, spec.timeoutMs, version ?? "", ctx).catch(
        (err: unknown) => {
          throw asServerFailure(err);
        },
      );
    }
    await connection.end();
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

async function runReadOnlyQuery(
  connection: Connection,
  query: string,
  timeoutMs: number,
  version: string,
  { deadline, facts }: ClientCheckContext,
): Promise<void> {
  const started = deadline.elapsed();
  const remainingMs = Math.max(1, Math.floor(timeoutMs - deadline.elapsed()));
  // A server-side limit too, so a query we stop waiting for does not run on. The value is a
  // number we computed, never user text.
  if (/mariadb/i.test(version)) {
    await connection.query(`SET SESSION max_statement_time = ${(remainingMs / 1000).toFixed(3)}`);
  } else {
    await connection.query(`SET SESSION max_execution_time = ${remainingMs}`);
  }
  await connection.query("START TRANSACTION READ ONLY");
  // multipleStatements is off: "COMMIT; DELETE …" is a syntax error, not two statements.
  const [rows] = await connection.query({ sql: query, rowsAsArray: true });
  facts["mysql.queryMs"] = msSince(deadline, started);
  const list = Array.isArray(rows) ? (rows as unknown[][]) : [];
  facts["mysql.rows"] = list.length;
  facts["mysql.result"] = firstCell(list);
  await connection.query("ROLLBACK");
}

// ER_STATEMENT_TIMEOUT (1969, MariaDB; mysql2 has no name for it), ER_QUERY_TIMEOUT (3024, MySQL):
// our server-side limit, reached a moment before the deadline.
const SERVER_TIMEOUT_ERRNOS = new Set([1969, 3024]);

/** The server said no (access denied, unknown database, a write in the read-only transaction). */
function asServerFailure(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { errno, sqlState } = err as { errno?: unknown; sqlState?: unknown };
  if (typeof errno === "number" && SERVER_TIMEOUT_ERRNOS.has(errno)) return timeoutFailure();
  const code = readCode(err);
  if (code === "HANDSHAKE_NO_SSL_SUPPORT") return new ProbeFailure("tls", "the server does not offer TLS");
  // An error packet from the server carries an SQLSTATE; mysql2 names most codes (ER_…), not all.
  if (typeof sqlState === "string" || code?.startsWith("ER_")) {
    return new ProbeFailure("protocol", shortText(`server: ${err.message} (${code ?? errno})`, 300));
  }
  return err;
}

function readCode(err: unknown): string | undefined {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
  return typeof code === "string" ? code : undefined;
}
