import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

/** Tables rewritten on every check: one schedule claim (and its check_claims row) and one state update per result. */
const HOT_TABLES = ["monitor_schedules", "monitor_state", "rollup_watermark", "check_claims"] as const;
/**
 * Tables whose rows are deleted every hour: raw results once packed, blocks past retention, hot
 * rollups once packed (weekly). A
 * plain VACUUM lets new rows reuse the space (and gives back empty pages at the end of a file).
 */
const CHURNED_TABLES = [
  "check_results",
  "check_result_blocks",
  "rollups_hourly",
  "rollups_daily",
  "rollup_blocks",
] as const;

/** VACUUM (ANALYZE) of the hot tables; it cannot run inside a transaction. */
export async function vacuumHotTables(db: Kysely<Database>): Promise<void> {
  await sql`VACUUM (ANALYZE) ${sql.raw(HOT_TABLES.join(", "))}`.execute(db);
  await sql`VACUUM ${sql.raw(CHURNED_TABLES.join(", "))}`.execute(db);
}

/**
 * A checkpoint. PostgreSQL in single-user mode (PGlite) never starts one for WAL volume, so
 * without it the WAL grows until the process stops; after one, segments older than its redo
 * point are recycled (up to `min_wal_size`) or removed.
 */
export async function checkpoint(db: Kysely<Database>): Promise<void> {
  await sql`CHECKPOINT`.execute(db);
}
