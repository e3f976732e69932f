import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import type { Pool } from "pg";
import type { Config } from "../config/load.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { migrationProvider } from "./migrations/index.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import { initPgliteDataDir } from "./pglite-init.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

const INT8_OID = 20;

/** The pool behind each database opened on a PostgreSQL server (for its metrics). */
const pools = new WeakMap<Db, Pool>();

/** Connections of the pool behind `db` (PostgreSQL), or undefined for PGlite (one connection, no pool). */
export function poolStats(db: Db): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** Opens PGlite in the data folder, or a pool on the PostgreSQL server: same schema, same queries. */
export async function openDatabase(config: Config["db"], options: { poolSize?: number } = {}): Promise<Db> {
  if (config.driver === "postgres") {
    // node-postgres only for a PostgreSQL server: the embedded database never loads it.
    const { default: pg } = await import("pg");
    // Counts and bigint columns stay well inside 2^53 here, so numbers are safe and simpler.
    pg.types.setTypeParser(INT8_OID, (v) => Number.parseInt(v, 10));
    const pool = new pg.Pool({
      connectionString: config.url,
      max: options.poolSize ?? 10,
      // A process killed mid-transaction whose connection the server never sees close (a proxy or
      // a network that keeps it open) would hold its row locks for ever and stall every other
      // process; the server ends such a session after a minute, and keep-alives find dead peers.
      options: "-c idle_in_transaction_session_timeout=60000",
      keepAlive: true,
    });
    // A client whose server went away emits 'error'; without a listener the process would die.
    // An idle one emits on the pool. One checked out (a transaction between two statements) emits
    // on itself, where nothing else listens: its statement fails on its own, so the event is only
    // swallowed. The pool drops such clients and connects again on the next query.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, pool);
    return db;
  }
  // `memory://` keeps the whole database in memory (tests); anything else is a folder we lock.
  let unlock = () => {};
  if (config.dataDir !== "memory://") {
    mkdirSync(config.dataDir, { recursive: true });
    unlock = lockDataDir(config.dataDir);
  }
  await initPgliteDataDir(config.dataDir);
  const pglite = new PGlite(config.dataDir, {
    parsers: { [INT8_OID]: (v: string) => Number.parseInt(v, 10) },
    // PGlite's default is 128 MB of shared buffers; the OS page cache sits behind a smaller pool
    // (16 MB by default: writing results was as fast as with 32, docs/benchmarks.md's footprint).
    // WAL past a checkpoint is kept for reuse up to min_wal_size (default 80 MB): 32 MB is the floor.
    startParams: [
      ...PGlite.defaultStartParams,
      "-c",
      `shared_buffers=${config.sharedBuffersMb}MB`,
      "-c",
      "min_wal_size=32MB",
    ],
  });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite, unlock) });
}

/** Applies every pending migration; returns the names applied. Throws with the failing one. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? "?"} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
