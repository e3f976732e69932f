import { type Kysely, sql } from "kysely";
import type { MonitorState } from "../../domain/monitor.ts";
import { nextSlotAfter, slotOffsetMs } from "../../domain/schedule.ts";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

type ScheduledMonitor = {
  id: string;
  organizationId: string;
  intervalSeconds: number;
  regions: string[];
  active: boolean;
};

/** A monitor's schedule rows: one per region, each at its next slot after `now` on its stable offset. */
function scheduleRows(m: ScheduledMonitor, now: number) {
  const intervalMs = m.intervalSeconds * 1000;
  const offset = slotOffsetMs(m.id, intervalMs);
  const next = new Date(nextSlotAfter(now, intervalMs, offset));
  return m.regions.map((region) => ({
    monitor_id: m.id,
    region,
    organization_id: m.organizationId,
    interval_seconds: m.intervalSeconds,
    offset_ms: offset,
    next_due_at: next,
    active: m.active,
  }));
}

/**
 * A monitor just created: its state row and its schedule rows, in one statement (creating
 * monitors in bulk pays per statement).
 */
export async function insertStateAndSchedules(
  db: Q,
  m: ScheduledMonitor & { state: MonitorState; at: Date },
  now: number,
): Promise<void> {
  await db
    .with("state", (q) =>
      q
        .insertInto("monitor_state")
        .values({ monitor_id: m.id, organization_id: m.organizationId, state: m.state, since: m.at })
        .returning("monitor_id"),
    )
    .insertInto("monitor_schedules")
    .values(scheduleRows(m, now))
    .execute();
}

/**
 * Rewrites an edited monitor's schedule rows: one per region, aligned to its stable offset; rows
 * of regions it no longer has are removed.
 */
export async function writeSchedules(db: Q, m: ScheduledMonitor, now: number): Promise<void> {
  await db
    .deleteFrom("monitor_schedules")
    .where("monitor_id", "=", m.id)
    .where("region", "not in", m.regions)
    .execute();
  const rows = scheduleRows(m, now);
  const { interval_seconds, offset_ms, next_due_at, active } = rows[0]!;
  await db
    .insertInto("monitor_schedules")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["monitor_id", "region"]).doUpdateSet({ interval_seconds, offset_ms, next_due_at, active }),
    )
    .execute();
}

/** A claimed slot; `revision` tells a cached copy of the monitor whether it is still current. */
export interface ClaimedSlot {
  monitor_id: string;
  slot_at: Date;
  revision: number;
}

/**
 * Claims up to `limit` of a region's slots due before `horizon`, in one statement. A slot still
 * ahead of `now` is claimed as it is; an overdue one as the latest slot at or before `now`, so
 * missed older slots are skipped, never run in a burst. SKIP LOCKED lets several schedulers
 * share a region; the compare on next_due_at in the UPDATE makes a claim happen once even if two
 * race. Each claim is also written to check_claims, where the lost-slot sweep looks for its result.
 */
export async function claimDueSlots(
  db: Q,
  region: string,
  { now, horizon }: { now: Date; horizon: Date },
  limit: number,
  excludeMonitorIds: string[],
  /** Only this organization's monitors (a remote probe's token speaks for one organization). */
  organizationId: string | null = null,
): Promise<ClaimedSlot[]> {
  if (limit <= 0) return [];
  // `missed` counts from now, not from the horizon: a late monitor gets its latest slot at or
  // before now and runs at once, instead of being pushed to a slot up to a horizon ahead (which,
  // when checks run late, would leave the probes idle while claimed work waits for its time).
  const result = await sql<ClaimedSlot>`
    WITH due AS (
      SELECT monitor_id, region, next_due_at,
        greatest(0, floor(extract(epoch FROM (${now}::timestamptz - next_due_at)) / interval_seconds)) AS missed
      FROM monitor_schedules
      WHERE region = ${region} AND active AND next_due_at <= ${horizon}::timestamptz
        AND NOT (monitor_id = ANY(${excludeMonitorIds}::text[]))
        AND (${organizationId}::text IS NULL OR organization_id = ${organizationId}::text)
      ORDER BY next_due_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE monitor_schedules s SET
        last_slot_at = s.next_due_at + make_interval(secs => due.missed * s.interval_seconds),
        next_due_at = s.next_due_at + make_interval(secs => (due.missed + 1) * s.interval_seconds)
      FROM due
      WHERE s.monitor_id = due.monitor_id AND s.region = due.region AND s.next_due_at = due.next_due_at
      RETURNING s.monitor_id, s.organization_id, s.last_slot_at
    ), logged AS (
      INSERT INTO check_claims (monitor_id, region, slot_at, organization_id)
      SELECT monitor_id, ${region}, last_slot_at, organization_id FROM claimed
      ON CONFLICT DO NOTHING
      RETURNING monitor_id, slot_at
    )
    -- Only slots claimed now: one whose claim row exists already was claimed before (a schedule
    -- moved back onto it), and a slot is checked at most once per region.
    SELECT logged.monitor_id, logged.slot_at, m.revision
    FROM logged JOIN monitors m ON m.id = logged.monitor_id
  `.execute(db);
  return result.rows;
}

/**
 * Re-aligns schedules to the clock: every slot overdue by more than `graceMs` (after a restart;
 * `null`: leave overdue slots alone, another scheduler is working them off) and every slot more
 * than one interval + `aheadMs` ahead (after the clock stepped back) moves to its next natural
 * slot after `now`. Missed slots are skipped, so monitors resume spread out, without a burst.
 * `aheadMs` is at least the scheduler's claim horizon: a slot claimed that far ahead leaves its
 * next one up to an interval + the horizon away, and moving that back would land on the slot just
 * claimed.
 */
export async function resumeSchedules(
  db: Q,
  region: string,
  now: Date,
  graceMs: number | null,
  aheadMs: number,
): Promise<number> {
  const res = await sql`
    UPDATE monitor_schedules SET next_due_at = to_timestamp((
      (floor((extract(epoch FROM ${now}::timestamptz) * 1000 - offset_ms) / (interval_seconds * 1000.0)) + 1)
        * interval_seconds * 1000.0 + offset_ms) / 1000.0)
    WHERE region = ${region} AND active AND (
      (${graceMs}::float8 IS NOT NULL
        AND next_due_at < ${now}::timestamptz - make_interval(secs => ${graceMs ?? 0} / 1000.0))
      OR next_due_at > ${now}::timestamptz + make_interval(secs => interval_seconds + ${aheadMs} / 1000.0))
  `.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

export async function setSchedulesActive(
  db: Q,
  monitorId: string,
  active: boolean,
  now: number,
): Promise<void> {
  // Re-align on resume so a long pause does not leave a stale, overdue slot behind.
  const row = await db
    .selectFrom("monitor_schedules")
    .select(["interval_seconds", "offset_ms"])
    .where("monitor_id", "=", monitorId)
    .executeTakeFirst();
  if (!row) return;
  const next = new Date(nextSlotAfter(now, row.interval_seconds * 1000, row.offset_ms));
  await db
    .updateTable("monitor_schedules")
    .set({ active, next_due_at: next })
    .where("monitor_id", "=", monitorId)
    .execute();
}
