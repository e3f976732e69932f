import { sql } from "kysely";
import type { Db } from "../../storage/db.ts";

/** How often a probe process says it is alive. */
export const PRESENCE_EVERY_MS = 5_000;
/** A probe not seen for this long is silent; a region with no other probe is then silent too. */
export const PRESENCE_STALE_MS = 20_000;
/** Rows of probes gone for this long are removed. */
const PRESENCE_FORGET_MS = 24 * 3_600_000;

/** One probe process, as it reports itself. */
export interface ProbeIdentity {
  probeId: string;
  region: string;
  host: string;
  startedAt: number;
}

/** Records that this probe is alive now (one upsert), and forgets probes gone for a day. */
export async function beatProbe(db: Db, probe: ProbeIdentity, nowMs: number): Promise<void> {
  const now = new Date(nowMs);
  await db
    .insertInto("probe_presence")
    .values({
      probe_id: probe.probeId,
      region: probe.region,
      host: probe.host,
      started_at: new Date(probe.startedAt),
      last_seen_at: now,
    })
    .onConflict((oc) => oc.column("probe_id").doUpdateSet({ last_seen_at: now, region: probe.region }))
    .execute();
  await db
    .deleteFrom("probe_presence")
    .where("last_seen_at", "<", new Date(nowMs - PRESENCE_FORGET_MS))
    .execute();
}

/** A probe process that stops cleanly says so, so its region is not counted live after it. */
export async function leaveProbe(db: Db, probeId: string): Promise<void> {
  await db.deleteFrom("probe_presence").where("probe_id", "=", probeId).execute();
}

/** What is known of a region's probes: how many are live, and when one was last seen. */
export interface RegionLiveness {
  probes: number;
  lastSeen: Date | null;
}

/**
 * The live probes per region (seen within PRESENCE_STALE_MS of `nowMs`) and the last time any
 * probe of each region was seen. A region absent from the map never had a probe.
 */
export async function regionLiveness(
  db: Db,
  nowMs: number,
  regions?: readonly string[],
): Promise<Map<string, RegionLiveness>> {
  if (regions && regions.length === 0) return new Map();
  const liveAfter = new Date(nowMs - PRESENCE_STALE_MS).toISOString();
  let query = db
    .selectFrom("probe_presence")
    .select([
      "region",
      sql<number>`count(*) FILTER (WHERE last_seen_at >= ${liveAfter}::timestamptz)::int`.as("probes"),
      sql<Date>`max(last_seen_at)`.as("last_seen"),
    ])
    .groupBy("region");
  if (regions) query = query.where(sql<boolean>`region = any(${[...regions]}::text[])`);
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.region, { probes: r.probes, lastSeen: new Date(r.last_seen) }]));
}
