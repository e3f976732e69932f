import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

/** A claimed slot past its deadline, and whether its result was stored. */
export interface SweptClaim {
  monitor_id: string;
  organization_id: string;
  slot_at: Date;
  checked: boolean;
}

/**
 * Removes a region's claims whose deadline passed (slot + the monitor's timeout + `graceMs`), up to
 * `limit`, and tells for each whether its result is stored. SKIP LOCKED and the delete let several
 * schedulers sweep at once, each claim judged by one.
 */
export async function takeExpiredClaims(
  db: Kysely<Database>,
  region: string,
  now: Date,
  graceMs: number,
  limit: number,
): Promise<SweptClaim[]> {
  const res = await sql<SweptClaim>`
    WITH expired AS (
      SELECT c.monitor_id, c.region, c.slot_at
      FROM check_claims c JOIN monitors m ON m.id = c.monitor_id
      WHERE c.region = ${region}
        AND c.slot_at < ${now}::timestamptz - make_interval(secs => (m.timeout_ms + ${graceMs}) / 1000.0)
      ORDER BY c.slot_at
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    )
    DELETE FROM check_claims c USING expired e
    WHERE c.monitor_id = e.monitor_id AND c.region = e.region AND c.slot_at = e.slot_at
    RETURNING c.monitor_id, c.organization_id, c.slot_at,
      EXISTS (SELECT 1 FROM check_results r
        WHERE r.monitor_id = c.monitor_id AND r.region = c.region AND r.slot_at = c.slot_at) AS checked
  `.execute(db);
  return res.rows;
}
