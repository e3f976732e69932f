import { type Kysely, sql } from "kysely";
import { packWeekSql, weekOf } from "../migrations/0022-rollup-blocks.ts";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

const ROLLUP_COLUMNS = sql`(organization_id, monitor_id, bucket, checks, up, degraded, down, unknown,
  latency_samples, latency_min, latency_avg, latency_p95, latency_max)`;

/** Recomputing a bucket replaces it whole, so refreshes are idempotent. */
const UPSERT_ROLLUP = sql`ON CONFLICT (monitor_id, bucket) DO UPDATE SET
  checks = excluded.checks, up = excluded.up, degraded = excluded.degraded, down = excluded.down,
  unknown = excluded.unknown, latency_samples = excluded.latency_samples,
  latency_min = excluded.latency_min, latency_avg = excluded.latency_avg,
  latency_p95 = excluded.latency_p95, latency_max = excluded.latency_max`;

/**
 * Recomputes hourly rollups for hours in [from, to) from raw results (`check_history`: raw rows
 * and packed blocks alike). Latency statistics use
 * checks that got an answer (no error); `unknown` results count in `checks` and `unknown` only.
 */
export async function rollupHours(db: Q, from: Date, to: Date, monitorIds: string[]): Promise<void> {
  await sql`
    INSERT INTO rollups_hourly ${ROLLUP_COLUMNS}
    SELECT organization_id, monitor_id, date_trunc('hour', slot_at, 'UTC'),
      count(*), count(*) FILTER (WHERE status = 'up'), count(*) FILTER (WHERE status = 'degraded'),
      count(*) FILTER (WHERE status = 'down'), count(*) FILTER (WHERE status = 'unknown'),
      count(*) FILTER (WHERE error_kind IS NULL AND status <> 'unknown'),
      min(total_ms) FILTER (WHERE error_kind IS NULL AND status <> 'unknown'),
      avg(total_ms) FILTER (WHERE error_kind IS NULL AND status <> 'unknown'),
      percentile_cont(0.95) WITHIN GROUP (ORDER BY total_ms) FILTER (WHERE error_kind IS NULL AND status <> 'unknown'),
      max(total_ms) FILTER (WHERE error_kind IS NULL AND status <> 'unknown')
    FROM check_history
    WHERE monitor_id = ANY(${monitorIds}::text[])
      AND slot_at >= ${from}::timestamptz AND slot_at < ${to}::timestamptz
      AND block_hour >= date_trunc('hour', ${from}::timestamptz, 'UTC') AND block_hour < ${to}::timestamptz
    GROUP BY organization_id, monitor_id, date_trunc('hour', slot_at, 'UTC')
    ${UPSERT_ROLLUP}
  `.execute(db);
}

/**
 * Recomputes daily rollups for days in [from, to) from the hourly ones (hot or packed). Counts, min, max and the
 * sample-weighted average are exact; the daily p95 is the largest hourly p95 (an upper bound),
 * because raw results may already be gone when a day is summarised.
 */
export async function rollupDays(db: Q, from: Date, to: Date, monitorIds: string[]): Promise<void> {
  await sql`
    INSERT INTO rollups_daily ${ROLLUP_COLUMNS}
    SELECT organization_id, monitor_id, date_trunc('day', bucket, 'UTC'),
      sum(checks), sum(up), sum(degraded), sum(down), sum(unknown), sum(latency_samples),
      min(latency_min), sum(latency_avg * latency_samples) / nullif(sum(latency_samples), 0),
      max(latency_p95), max(latency_max)
    FROM hourly_rollup_history
    WHERE monitor_id = ANY(${monitorIds}::text[])
      AND bucket >= ${from}::timestamptz AND bucket < ${to}::timestamptz
      AND block_week >= ${blockWeekOf(from)}::timestamptz AND block_week < ${to}::timestamptz
    GROUP BY organization_id, monitor_id, date_trunc('day', bucket, 'UTC')
    ${UPSERT_ROLLUP}
  `.execute(db);
}

export interface UptimeCounts {
  checks: number;
  up: number;
  degraded: number;
  down: number;
}

/** The rollup rows of either granularity, hot and packed (`0022`). */
export type RollupHistory = "hourly_rollup_history" | "daily_rollup_history";

export async function sumRollups(
  db: Q,
  table: RollupHistory,
  monitorId: string,
  from: Date,
  until: Date,
): Promise<UptimeCounts> {
  const row = await db
    .selectFrom(table)
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>("checks"), eb.lit(0)).as("checks"),
      eb.fn.coalesce(eb.fn.sum<number>("up"), eb.lit(0)).as("up"),
      eb.fn.coalesce(eb.fn.sum<number>("degraded"), eb.lit(0)).as("degraded"),
      eb.fn.coalesce(eb.fn.sum<number>("down"), eb.lit(0)).as("down"),
    ])
    .where("monitor_id", "=", monitorId)
    .where("bucket", ">=", from)
    .where("bucket", "<", until)
    .where("block_week", ">=", blockWeekOf(from))
    .where("block_week", "<", until)
    .executeTakeFirstOrThrow();
  return toCounts(row);
}

/** The same counts from raw results since `from` (the part not yet summarised). */
export async function sumRawResults(db: Q, monitorId: string, from: Date): Promise<UptimeCounts> {
  const row = await db
    .selectFrom("check_history")
    .select((eb) => [
      eb.fn.countAll<number>().as("checks"),
      eb.fn.countAll<number>().filterWhere("status", "=", "up").as("up"),
      eb.fn.countAll<number>().filterWhere("status", "=", "degraded").as("degraded"),
      eb.fn.countAll<number>().filterWhere("status", "=", "down").as("down"),
    ])
    .where("monitor_id", "=", monitorId)
    .where("slot_at", ">=", from)
    .where("block_hour", ">=", hourOf(from))
    .executeTakeFirstOrThrow();
  return toCounts(row);
}

function toCounts(row: { checks: unknown; up: unknown; degraded: unknown; down: unknown }): UptimeCounts {
  return {
    checks: Number(row.checks),
    up: Number(row.up),
    degraded: Number(row.degraded),
    down: Number(row.down),
  };
}

export async function getRollupWatermark(db: Q): Promise<Date | undefined> {
  const row = await db.selectFrom("rollup_watermark").select("hourly_until").executeTakeFirst();
  return row?.hourly_until;
}

export async function setRollupWatermark(db: Q, until: Date): Promise<void> {
  await db
    .insertInto("rollup_watermark")
    .values({ id: 1, hourly_until: until })
    .onConflict((oc) => oc.column("id").doUpdateSet({ hourly_until: until }))
    .execute();
}

/**
 * Moves the watermark back to `to` when it is later: results arrived for hours already summarised
 * (a remote probe's offline results, uploaded when its link came back), so the next rollup run
 * summarises those hours again, with them. Never moves it forward; nothing to do before the first run.
 */
export async function rewindRollupWatermark(db: Q, to: Date): Promise<void> {
  await db
    .updateTable("rollup_watermark")
    .set({ hourly_until: sql<Date>`least(hourly_until, ${to}::timestamptz)` })
    .where("hourly_until", ">", to)
    .execute();
}

/** The earliest stored result, raw or packed (a block counts as its hour). */
export async function oldestResultAt(db: Q): Promise<Date | undefined> {
  const row = await sql<{ at: Date | null }>`
    SELECT least((SELECT min(slot_at) FROM check_results), (SELECT min(hour) FROM check_result_blocks)) AS at
  `.execute(db);
  const at = row.rows[0]?.at;
  return at ? new Date(at) : undefined;
}

/** The UTC hour `at` falls in: a bound on `check_history.block_hour` that reaches blocks by key. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
}

/** The week of `at`: a bound on a rollup history view's `block_week` that reaches blocks by key. */
export function blockWeekOf(at: Date): Date {
  return new Date(weekOf(at.getTime()));
}

const ROLLUP_FIELDS = [
  "organization_id",
  "monitor_id",
  "bucket",
  "checks",
  "up",
  "degraded",
  "down",
  "unknown",
  "latency_samples",
  "latency_min",
  "latency_avg",
  "latency_p95",
  "latency_max",
] as const;

export async function listRollupRows(db: Q, table: RollupHistory, monitorId: string, from: Date) {
  return db
    .selectFrom(table)
    .select(ROLLUP_FIELDS)
    .where("monitor_id", "=", monitorId)
    .where("bucket", ">=", from)
    .where("block_week", ">=", blockWeekOf(from))
    .orderBy("bucket")
    .execute();
}

/**
 * Rollups before `before` leave: hot rows at once, a block once its whole week is past; the
 * history views hide the rest of a block from `rollups_from` on, so readers see exactly the
 * rows of old.
 */
export async function deleteRollupsBefore(db: Q, before: Date): Promise<void> {
  await db.updateTable("rollup_watermark").set({ rollups_from: before }).execute();
  await db.deleteFrom("rollups_hourly").where("bucket", "<", before).execute();
  await db.deleteFrom("rollups_daily").where("bucket", "<", before).execute();
  await db
    .deleteFrom("rollup_blocks")
    .where("week", "<=", new Date(before.getTime() - WEEK_MS))
    .execute();
}

const WEEK_MS = 7 * 86_400_000;

/** The earliest hot rollup (hourly or daily) of `ids` before `before`, if any. */
export async function oldestHotRollupBefore(db: Q, ids: string[], before: Date): Promise<Date | undefined> {
  const row = await sql<{ at: Date | null }>`
    SELECT least(
      (SELECT min(bucket) FROM rollups_hourly WHERE monitor_id = ANY(${ids}::text[]) AND bucket < ${before}::timestamptz),
      (SELECT min(bucket) FROM rollups_daily WHERE monitor_id = ANY(${ids}::text[]) AND bucket < ${before}::timestamptz)
    ) AS at`.execute(db);
  const at = row.rows[0]?.at;
  return at ? new Date(at) : undefined;
}

/**
 * Packs the hot hourly and daily rollups of `ids` in the week starting at `week` into one block per
 * monitor (run it in a transaction). A block already there for that week (rollups written after
 * it was packed: a watermark moved back) is unpacked first, the hot rows winning, so nothing is lost.
 * Returns how many blocks were written.
 */
export async function packRollupWeek(db: Q, ids: string[], week: Date): Promise<number> {
  const end = new Date(week.getTime() + WEEK_MS);
  // The monitors with hot rows that week: their blocks (if any) are unpacked and written again.
  const withHot = sql`SELECT monitor_id FROM rollups_hourly
      WHERE monitor_id = ANY(${ids}::text[]) AND bucket >= ${week}::timestamptz AND bucket < ${end}::timestamptz
      UNION
      SELECT monitor_id FROM rollups_daily
      WHERE monitor_id = ANY(${ids}::text[]) AND bucket >= ${week}::timestamptz AND bucket < ${end}::timestamptz`;
  for (const [hot, view] of [
    ["rollups_hourly", "rollup_block_hours"],
    ["rollups_daily", "rollup_block_days"],
  ] as const) {
    await sql`
      INSERT INTO ${sql.table(hot)} (organization_id, monitor_id, bucket, checks, up, degraded, down, unknown,
        latency_samples, latency_min, latency_avg, latency_p95, latency_max)
      SELECT organization_id, monitor_id, bucket, checks, up, degraded, down, unknown,
        latency_samples, latency_min, latency_avg, latency_p95, latency_max
      FROM ${sql.table(view)}
      WHERE monitor_id = ANY(${ids}::text[]) AND block_week = ${week}::timestamptz
        AND monitor_id IN (${withHot})
      ON CONFLICT (monitor_id, bucket) DO NOTHING`.execute(db);
  }
  await sql`DELETE FROM rollup_blocks WHERE week = ${week}::timestamptz AND monitor_id IN (${withHot})`.execute(
    db,
  );
  const written = await packWeekSql(ids, week).execute(db);
  for (const hot of ["rollups_hourly", "rollups_daily"] as const) {
    await db
      .deleteFrom(hot)
      .where("monitor_id", "in", ids)
      .where("bucket", ">=", week)
      .where("bucket", "<", end)
      .execute();
  }
  return Number(written.numAffectedRows ?? 0);
}
