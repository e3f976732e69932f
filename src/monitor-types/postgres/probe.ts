/**
 * `postgres`: connect to a PostgreSQL server, authenticate, optionally run one read-only query.
 * Target `host[:port]` (5432 by default). Facts: `postgres.version`, and with a query
 * `postgres.result` (the first value of the first row, as text), `postgres.rows`, `postgres.queryMs`.
 */
import { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Client, QueryConfig } from "pg";
import { readCertificate } from "../../probe/cert-info.ts";
import { timeoutFailure } from "../../probe/deadline.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import {
  type ClientCheckContext,
  type ClientCheckSpec,
  type ClientObservation,
  msSince,
  runClientCheck,
} from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { firstCell, sniName } from "../client-values.ts";

export const POSTGRES_DEFAULT_PORT = 5432;

export interface PostgresSettings {
  database: string;
  username: string;
  /** Write-only in the API (stored as given, like http auth); blanked out of every message. */
  password?: string;
  /** Run in a READ ONLY transaction, one statement, with the check's remaining time as statement_timeout. */
  query?: string;
  /** Ask for TLS (the server must agree); the certificate is reported like a tls monitor's. */
  tls: boolean;
  /** With `tls`, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type PostgresCheckSpec = ClientCheckSpec & { postgres: PostgresSettings };

/** node-postgres, loaded on the first check of this type, not at start: most servers never run one, and the library costs memory and start-up time (docs/benchmarks.md). */
let library: typeof import("pg") | undefined;

export async function probePostgres(
  spec: PostgresCheckSpec,
  options: ProbeOptions,
): Promise<ClientObservation> {
  library ??= await import("pg");
  const pg = library.default;
  const settings = spec.postgres;
  let cert: ClientObservation["cert"];
  const run = runClientCheck(spec, options, POSTGRES_DEFAULT_PORT, [settings.password], async (ctx) => {
    const { target, deadline, phases, facts } = ctx;
    const socket = new Socket();
    const connectStarted = deadline.elapsed();
    socket.once("connect", () => {
      phases.connect = deadline.elapsed() - connectStarted;
    });
    const client = new pg.Client({
      host: target.address,
      port: target.port,
      user: settings.username,
      password: settings.password ?? "",
      database: settings.database,
      application_name: "upblit",
      // Our own socket, so the connect time is measured; pg connects it to the vetted address.
      stream: () => socket,
      // Never the libpq environment (PGPASSWORD, PGSSLMODE…): only what the monitor says.
      ssl: settings.tls ? { rejectUnauthorized: false, servername: sniName(target.hostname) } : false,
    });
    client.on("error", () => {});
    ctx.onCleanup(() => socket.destroy());
    const connection = (client as unknown as { connection: PgConnection }).connection;
    connection.on("parameterStatus", (m: { parameterName: string; parameterValue: string }) => {
      if (m.parameterName === "server_version") facts["postgres.version"] = shortText(m.parameterValue, 100);
    });
    await client.connect().catch((err: unknown) => {
      throw asServerFailure(err);
    });
    if (settings.tls) {
      cert = readTlsCertificate(connection.stream, target.hostname);
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch)) {
        throw new ProbeFailure("tls", "certificate not trusted");
      }
    }
    if (settings.query) {
      await runReadOnlyQuery(client, settings.query, spec.timeoutMs - deadline.elapsed(), ctx).catch(
        (err: unknown) => {
          throw asServerFailure(err);
        },
      );
    }
    await client.end();
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

interface PgConnection {
  stream: Socket;
  on(event: string, listener: (message: never) => void): void;
}

async function runReadOnlyQuery(
  client: Client,
  query: string,
  remainingMs: number,
  { deadline, facts }: ClientCheckContext,
): Promise<void> {
  const started = deadline.elapsed();
  await client.query("BEGIN READ ONLY");
  // SET LOCAL takes no parameters; the value is an integer we computed, never user text.
  await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(remainingMs))}`);
  // The extended protocol runs exactly one statement: "COMMIT; DELETE …" is refused by the server.
  const result = await client.query({
    text: query,
    rowMode: "array",
    queryMode: "extended",
  } as QueryConfig);
  facts["postgres.queryMs"] = msSince(deadline, started);
  facts["postgres.rows"] = result.rowCount ?? result.rows.length;
  facts["postgres.result"] = firstCell(result.rows);
  await client.query("ROLLBACK");
}

const QUERY_CANCELED = "57014";

/** The server said no (bad password, no such database, read-only violation): a protocol failure with its words. */
function asServerFailure(err: unknown): unknown {
  // Our statement_timeout (the check's remaining time) may fire a moment before the deadline does.
  const DatabaseError = library?.default.DatabaseError;
  if (DatabaseError && err instanceof DatabaseError && err.code === QUERY_CANCELED) return timeoutFailure();
  if (DatabaseError && err instanceof DatabaseError) {
    return new ProbeFailure(
      "protocol",
      shortText(`server: ${err.message}${err.code ? ` (${err.code})` : ""}`, 300),
    );
  }
  if (err instanceof Error && /SSL/.test(err.message) && !("code" in err)) {
    return new ProbeFailure("tls", shortText(err.message, 200));
  }
  return err;
}

function readTlsCertificate(stream: Socket, hostname: string): ClientObservation["cert"] {
  if (!("getPeerCertificate" in stream)) return undefined;
  return readCertificate(stream as TLSSocket, hostname);
}
