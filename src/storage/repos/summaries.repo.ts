import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";
import { blockWeekOf, hourOf, type RollupHistory } from "./rollups.repo.ts";

type Q = Kysely<Database>;

/** One recent check slot of a monitor: the worst status its regions reported, and the latency. */
export interface RecentSlot {
  monitor_id: string;
  slot_at: Date;
  status: string;
  /** Slowest answered region's total time; null when no region got an answer (error or unknown). */
  total_ms: number | null;
}

/**
 * The last `n` check slots of each monitor, newest first. Per (monitor, region) the primary key
 * `(monitor_id, region, slot_at)` is read backwards for `n` rows, and that of the packed blocks
 * for `n` blocks (an index scan with a limit, never
 * the monitor's whole history); the regions' rows of one slot fold into one, worst status wins.
 * Only monitors of `organizationId` are read.
 */
export async function recentSlots(db: Q, organizationId: string, ids: string[], n: number) {
  const rows = await sql<RecentSlot>`
    SELECT monitor_id, slot_at, status, total_ms FROM (
      SELECT r.monitor_id, r.slot_at,
        (array_agg(r.status ORDER BY CASE r.status WHEN 'down' THEN 0 WHEN 'degraded' THEN 1
          WHEN 'unknown' THEN 2 ELSE 3 END))[1] AS status,
        max(r.total_ms) FILTER (WHERE r.error_kind IS NULL AND r.status <> 'unknown') AS total_ms,
        row_number() OVER (PARTITION BY r.monitor_id ORDER BY r.slot_at DESC) AS nth
      FROM monitors m
      CROSS JOIN LATERAL unnest(m.regions) AS g(region)
      CROSS JOIN LATERAL (
        SELECT * FROM (
          SELECT c.monitor_id, c.slot_at, c.status, c.total_ms, c.error_kind
          FROM check_results c
          WHERE c.monitor_id = m.id AND c.region = g.region
          ORDER BY c.slot_at DESC
          LIMIT ${n}
        ) raw
        UNION ALL
        -- Packed hours only when the raw rows are fewer than n (a monitor checked less often
        -- than every two minutes), and then only the newest blocks that can hold the n slots.
        SELECT p.monitor_id, p.slot_at, p.status, p.total_ms, p.error_kind
        FROM (
          SELECT b.hour, coalesce(sum(cardinality(b.offsets_ms)) OVER (ORDER BY b.hour DESC
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
          FROM check_result_blocks b
          WHERE b.monitor_id = m.id AND b.region = g.region
            AND (SELECT count(*) FROM (SELECT 1 FROM check_results k
                 WHERE k.monitor_id = m.id AND k.region = g.region LIMIT ${n}) raw_n) < ${n}
          ORDER BY b.hour DESC
          LIMIT ${n}
        ) newest
        JOIN check_result_block_rows p
          ON p.monitor_id = m.id AND p.region = g.region AND p.block_hour = newest.hour
        WHERE newest.newer < ${n}
        ORDER BY slot_at DESC
        LIMIT ${n}
      ) r
      WHERE m.organization_id = ${organizationId} AND m.id = ANY(${ids}::text[])
      GROUP BY r.monitor_id, r.slot_at
    ) slots
    WHERE nth <= ${n}
    ORDER BY monitor_id, slot_at DESC
  `.execute(db);
  return rows.rows;
}

export interface WindowCounts {
  monitor_id: string;
  up: number;
  degraded: number;
  down: number;
}

/** Sums of a rollup table per monitor over buckets in [from, until). */
export async function rollupCounts(
  db: Q,
  table: RollupHistory,
  organizationId: string,
  ids: string[],
  from: Date,
  until: Date,
): Promise<WindowCounts[]> {
  const rows = await db
    .selectFrom(table)
    .select((eb) => [
      "monitor_id",
      eb.fn.sum<number>("up").as("up"),
      eb.fn.sum<number>("degraded").as("degraded"),
      eb.fn.sum<number>("down").as("down"),
    ])
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "in", ids)
    .where("bucket", ">=", from)
    .where("bucket", "<", until)
    .where("block_week", ">=", blockWeekOf(from))
    .where("block_week", "<", until)
    .groupBy("monitor_id")
    .execute();
  return rows.map(toCounts);
}

/**
 * Counts of raw results per monitor since `from` (the tail rollups do not cover yet, usually under
 * an hour), read through the primary key per monitor.
 */
export async function rawCounts(
  db: Q,
  organizationId: string,
  ids: string[],
  from: Date,
): Promise<WindowCounts[]> {
  const rows = await db
    .selectFrom("check_history")
    .select((eb) => [
      "monitor_id",
      eb.fn.countAll<number>().filterWhere("status", "=", "up").as("up"),
      eb.fn.countAll<number>().filterWhere("status", "=", "degraded").as("degraded"),
      eb.fn.countAll<number>().filterWhere("status", "=", "down").as("down"),
    ])
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "in", ids)
    .where("slot_at", ">=", from)
    .where("block_hour", ">=", hourOf(from))
    .groupBy("monitor_id")
    .execute();
  return rows.map(toCounts);
}

function toCounts(r: { monitor_id: string; up: unknown; degraded: unknown; down: unknown }): WindowCounts {
  return {
    monitor_id: r.monitor_id,
    up: Number(r.up ?? 0),
    degraded: Number(r.degraded ?? 0),
    down: Number(r.down ?? 0),
  };
}
