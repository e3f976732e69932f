import { sql } from "kysely";
import type { Span } from "../../domain/report-period.ts";
import type { Db } from "../../storage/db.ts";
import {
  blockWeekOf,
  getRollupWatermark,
  hourOf,
  type UptimeCounts,
} from "../../storage/repos/rollups.repo.ts";

const HOUR = 3_600_000;
const ZERO: UptimeCounts = { checks: 0, up: 0, degraded: 0, down: 0 };

/**
 * Check counts per monitor over [from, until) outside each monitor's maintenance spans. Raw
 * results are used from `rawFrom` on (where they are kept), each judged by its own slot; before
 * it, hourly rollups, leaving out every hour that overlaps maintenance. Both are summed in the
 * database, so a year of a 100-component page returns one row per monitor.
 */
export async function countsOutside(
  db: Db,
  ids: string[],
  from: number,
  until: number,
  maintenance: Map<string, Span[]>,
): Promise<Map<string, UptimeCounts>> {
  const out = new Map<string, UptimeCounts>();
  if (ids.length === 0) return out;
  const rawFrom = await rawCutover(db, ids, from, until);
  const spans = spanTable(maintenance);
  const add = (rows: CountRow[]) => {
    for (const r of rows) {
      const was = out.get(r.monitor_id) ?? ZERO;
      out.set(r.monitor_id, {
        checks: was.checks + Number(r.checks),
        up: was.up + Number(r.up),
        degraded: was.degraded + Number(r.degraded),
        down: was.down + Number(r.down),
      });
    }
  };
  if (rawFrom > from) {
    const rows = await sql<CountRow>`
      WITH m(monitor_id, s, e) AS (${spans})
      SELECT r.monitor_id, sum(r.checks)::int AS checks, sum(r.up)::int AS up,
        sum(r.degraded)::int AS degraded, sum(r.down)::int AS down
      FROM hourly_rollup_history r
      WHERE r.monitor_id = ANY(${ids}::text[])
        AND r.bucket >= ${new Date(from)} AND r.bucket < ${new Date(rawFrom)}
        AND r.block_week >= ${blockWeekOf(new Date(from))} AND r.block_week < ${new Date(rawFrom)}
        AND NOT EXISTS (SELECT 1 FROM m WHERE m.monitor_id = r.monitor_id
                        AND m.s < r.bucket + interval '1 hour' AND m.e > r.bucket)
      GROUP BY r.monitor_id`.execute(db);
    add(rows.rows);
  }
  if (until > rawFrom) {
    const rows = await sql<CountRow>`
      WITH m(monitor_id, s, e) AS (${spans})
      SELECT r.monitor_id, count(*)::int AS checks, (count(*) FILTER (WHERE r.status = 'up'))::int AS up,
        (count(*) FILTER (WHERE r.status = 'degraded'))::int AS degraded,
        (count(*) FILTER (WHERE r.status = 'down'))::int AS down
      FROM check_history r
      WHERE r.monitor_id = ANY(${ids}::text[])
        AND r.slot_at >= ${new Date(rawFrom)} AND r.slot_at < ${new Date(until)}
        AND r.block_hour >= ${hourOf(new Date(rawFrom))} AND r.block_hour < ${new Date(until)}
        AND NOT EXISTS (SELECT 1 FROM m WHERE m.monitor_id = r.monitor_id AND r.slot_at >= m.s AND r.slot_at < m.e)
      GROUP BY r.monitor_id`.execute(db);
    add(rows.rows);
  }
  return out;
}

interface CountRow {
  monitor_id: string;
  checks: number;
  up: number;
  degraded: number;
  down: number;
}

/** The spans as rows (monitor_id, s, e) for a CTE; an empty table when there are none. */
function spanTable(maintenance: Map<string, Span[]>) {
  const rows = [...maintenance].flatMap(([id, spans]) => spans.map((s) => ({ id, ...s })));
  return sql`SELECT * FROM unnest(${rows.map((r) => r.id)}::text[],
    ${rows.map((r) => new Date(r.start).toISOString())}::timestamptz[],
    ${rows.map((r) => new Date(r.end).toISOString())}::timestamptz[])`;
}

/**
 * Where raw results take over from rollups: the rollup watermark, or earlier where raw results
 * reach back further (nothing rolled up yet); later where retention removed raw results after
 * the watermark moved on. It is the hour after the earliest raw result, so a half-pruned hour
 * comes from its rollup. Clamped to [from, until].
 */
async function rawCutover(db: Db, ids: string[], from: number, until: number): Promise<number> {
  const watermark = (await getRollupWatermark(db))?.getTime();
  if (watermark === undefined) return from;
  const earliest = await db
    .selectFrom("check_history")
    .select((eb) => eb.fn.min("slot_at").as("first"))
    .where("monitor_id", "in", ids)
    .where("slot_at", ">=", new Date(from))
    .where("slot_at", "<", new Date(until))
    .where("block_hour", ">=", hourOf(new Date(from)))
    .where("block_hour", "<", new Date(until))
    .executeTakeFirst();
  const first = earliest?.first ? new Date(earliest.first).getTime() : undefined;
  const firstFullHour = first === undefined ? watermark : Math.ceil(first / HOUR) * HOUR;
  return Math.min(until, Math.max(from, Math.min(watermark, firstFullHour)));
}
