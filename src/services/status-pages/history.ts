import { sql } from "kysely";
import type { Db } from "../../storage/db.ts";
import {
  blockWeekOf,
  getRollupWatermark,
  hourOf,
  type UptimeCounts,
} from "../../storage/repos/rollups.repo.ts";
import { uptimeRatio } from "./model.ts";

const DAY = 86_400_000;
/** Incidents read per page build at most; a flapping monitor cannot make a build unbounded. */
const MAX_INCIDENTS = 10_000;

/** One UTC day of a component's history. */
export interface DayBar {
  /** Start of the UTC day. */
  day: Date;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  /** (up + degraded) / judged, null when nothing was judged that day. */
  uptime: number | null;
  /** Incidents of the monitor open at any time that day. */
  incidents: number;
  /** False for days that ended before the monitor was created: "no data", never downtime. */
  monitored: boolean;
}

type Counts = Map<string, UptimeCounts>;

/**
 * Daily uptime bars of these monitors for the last `days` UTC days (today last), the way
 * uptimeSummary counts: whole days from daily rollups up to the rollup watermark, and the raw
 * results after it. One query per source for every monitor of a page, so a page of 100
 * components costs five queries, not five hundred. Only the monitor's own time counts: days that
 * ended before it was created are `monitored: false` with no counts, and no result from before
 * its creation is counted.
 */
export async function dailyHistory(
  db: Db,
  organizationId: string,
  monitorIds: string[],
  days: number,
  nowMs: number,
): Promise<Map<string, DayBar[]>> {
  const out = new Map<string, DayBar[]>();
  if (monitorIds.length === 0) return out;
  const today = Math.floor(nowMs / DAY) * DAY;
  const from = today - (days - 1) * DAY;
  const watermark = (await getRollupWatermark(db))?.getTime() ?? Number.NEGATIVE_INFINITY;
  const counts: Counts = new Map();
  if (watermark > from) await addRollups(db, counts, monitorIds, new Date(from), new Date(watermark));
  await addRawResults(db, counts, monitorIds, new Date(Math.max(from, watermark)));
  const incidents = await incidentDays(db, organizationId, monitorIds, from, today + DAY);
  const created = await createdAt(db, organizationId, monitorIds);

  for (const monitorId of monitorIds) {
    const bars: DayBar[] = [];
    const firstDay = Math.floor((created.get(monitorId) ?? from) / DAY) * DAY;
    for (let day = from; day <= today; day += DAY) {
      const monitored = day >= firstDay;
      const none = { checks: 0, up: 0, degraded: 0, down: 0 };
      const c = monitored ? (counts.get(`${monitorId}|${day}`) ?? none) : none;
      bars.push({
        day: new Date(day),
        ...c,
        uptime: uptimeRatio(c),
        incidents: monitored ? (incidents.get(`${monitorId}|${day}`) ?? 0) : 0,
        monitored,
      });
    }
    out.set(monitorId, bars);
  }
  return out;
}

/** When each monitor was created (ms). */
async function createdAt(db: Db, organizationId: string, monitorIds: string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("monitors")
    .select(["id", "created_at"])
    .where("organization_id", "=", organizationId)
    .where("id", "in", monitorIds)
    .execute();
  return new Map(rows.map((r) => [r.id, new Date(r.created_at).getTime()]));
}

function add(counts: Counts, key: string, c: UptimeCounts): void {
  const was = counts.get(key) ?? { checks: 0, up: 0, degraded: 0, down: 0 };
  counts.set(key, {
    checks: was.checks + c.checks,
    up: was.up + c.up,
    degraded: was.degraded + c.degraded,
    down: was.down + c.down,
  });
}

async function addRollups(db: Db, counts: Counts, monitorIds: string[], from: Date, until: Date) {
  const rows = await db
    .selectFrom("daily_rollup_history")
    .select(["monitor_id", "bucket", "checks", "up", "degraded", "down"])
    .where("monitor_id", "in", monitorIds)
    .where("bucket", ">=", from)
    .where("bucket", "<", until)
    .where("block_week", ">=", blockWeekOf(from))
    .where("block_week", "<", until)
    .execute();
  for (const r of rows) {
    add(counts, `${r.monitor_id}|${new Date(r.bucket).getTime()}`, {
      checks: Number(r.checks),
      up: Number(r.up),
      degraded: Number(r.degraded),
      down: Number(r.down),
    });
  }
}

async function addRawResults(db: Db, counts: Counts, monitorIds: string[], since: Date) {
  const rows = await db
    .selectFrom("check_history as r")
    .innerJoin("monitors as m", "m.id", "r.monitor_id")
    .select((eb) => [
      "r.monitor_id",
      sql<Date>`date_trunc('day', r.slot_at, 'UTC')`.as("day"),
      eb.fn.countAll<number>().as("checks"),
      eb.fn.countAll<number>().filterWhere("r.status", "=", "up").as("up"),
      eb.fn.countAll<number>().filterWhere("r.status", "=", "degraded").as("degraded"),
      eb.fn.countAll<number>().filterWhere("r.status", "=", "down").as("down"),
    ])
    .where("r.monitor_id", "in", monitorIds)
    .where("r.slot_at", ">=", since)
    .where("r.block_hour", ">=", hourOf(since))
    // A slot may start a little before the monitor was made (slots are aligned); a minute earlier
    // is still its own first check, anything older is not its data.
    .whereRef("r.slot_at", ">=", sql`m.created_at - interval '1 hour'`)
    .groupBy(["r.monitor_id", sql`date_trunc('day', r.slot_at, 'UTC')`])
    .execute();
  for (const r of rows) {
    add(counts, `${r.monitor_id}|${new Date(r.day).getTime()}`, {
      checks: Number(r.checks),
      up: Number(r.up),
      degraded: Number(r.degraded),
      down: Number(r.down),
    });
  }
}

/** How many incidents of each monitor were open on each UTC day in [fromMs, untilMs). */
async function incidentDays(
  db: Db,
  organizationId: string,
  monitorIds: string[],
  fromMs: number,
  untilMs: number,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("incidents")
    .select(["monitor_id", "started_at", "resolved_at"])
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "in", monitorIds)
    .where("started_at", "<", new Date(untilMs))
    .where((eb) => eb.or([eb("resolved_at", "is", null), eb("resolved_at", ">=", new Date(fromMs))]))
    .orderBy("started_at", "desc")
    .limit(MAX_INCIDENTS)
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) {
    const started = r.started_at.getTime();
    const first = Math.max(fromMs, Math.floor(started / DAY) * DAY);
    const end = Math.min(untilMs, r.resolved_at?.getTime() ?? untilMs);
    // The day it ended counts, unless it ended right at midnight; an instant incident counts once.
    const last = Math.floor(Math.max(end - 1, started) / DAY) * DAY;
    for (let day = first; day <= last && day < untilMs; day += DAY) {
      const key = `${r.monitor_id}|${day}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}
