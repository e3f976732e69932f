import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

/** Tables rewritten on every check: one schedule claim (and its check_claims row) and one state update per result. */
const HOT_TABLES = ["monitor_schedules", "monitor_state", "rollup_watermark", "check_claims"] as const;

/** VACUUM (ANALYZE) of the hot tables; it cannot run inside a transaction. */
export async function vacuumHotTables(db: Kysely<Database>): Promise<void> {
  await sql`VACUUM (ANALYZE) ${sql.raw(HOT_TABLES.join(", "))}`.execute(db);
}
