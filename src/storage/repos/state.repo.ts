import { type Kysely, type Selectable, sql } from "kysely";
import type { MonitorState } from "../../domain/monitor.ts";
import type { OpenSlots } from "../../domain/quorum.ts";
import type { Database, MonitorStateTable } from "../schema.ts";

type Q = Kysely<Database>;

export interface StateRow {
  monitorId: string;
  state: MonitorState;
  since: Date;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastStatus: string | null;
  lastCheckedAt: Date | null;
  lastError: string | null;
  openIncidentId: string | null;
  /** Several regions: the last slot whose verdict moved the state, and the slot still open. */
  quorumSlotAt: Date | null;
  quorumOpen: OpenSlots | null;
}

/** A locked monitor: its state row and what judging a result needs from the monitor itself. */
export interface LockedMonitor {
  state: StateRow;
  name: string;
  paused: boolean;
  failuresBeforeDown: number;
  successesBeforeUp: number;
  type: string;
  regions: string[];
  quorum: number | null;
}

/** Locks and returns the state rows (with thresholds) of these monitors, in id order to avoid deadlocks. */
export async function lockStates(db: Q, monitorIds: string[]): Promise<LockedMonitor[]> {
  if (monitorIds.length === 0) return [];
  const rows = await db
    .selectFrom("monitor_state as s")
    .innerJoin("monitors as m", "m.id", "s.monitor_id")
    .selectAll("s")
    .select([
      "m.name",
      "m.paused",
      "m.failures_before_down",
      "m.successes_before_up",
      "m.type",
      "m.regions",
      "m.quorum",
    ])
    // One array parameter, not one per id: the statement is the same for every batch size.
    .where(sql<boolean>`s.monitor_id = any(${monitorIds}::text[])`)
    .orderBy("s.monitor_id")
    .forUpdate()
    .execute();
  return rows.map((r) => ({
    state: toStateRow(r),
    name: r.name,
    paused: r.paused,
    failuresBeforeDown: r.failures_before_down,
    successesBeforeUp: r.successes_before_up,
    type: r.type,
    regions: r.regions,
    quorum: r.quorum,
  }));
}

export async function getState(db: Q, monitorId: string, forUpdate = false): Promise<StateRow | undefined> {
  let query = db.selectFrom("monitor_state").selectAll().where("monitor_id", "=", monitorId);
  if (forUpdate) query = query.forUpdate();
  const r = await query.executeTakeFirst();
  return r && toStateRow(r);
}

function toStateRow(r: Selectable<MonitorStateTable>): StateRow {
  return {
    monitorId: r.monitor_id,
    state: r.state as MonitorState,
    since: r.since,
    consecutiveFailures: r.consecutive_failures,
    consecutiveSuccesses: r.consecutive_successes,
    lastStatus: r.last_status,
    lastCheckedAt: r.last_checked_at,
    lastError: r.last_error,
    openIncidentId: r.open_incident_id,
    quorumSlotAt: r.quorum_slot_at,
    quorumOpen: r.quorum_open,
  };
}

/** Writes many state rows in one statement (one per monitor in a result batch). */
export async function saveStates(db: Q, rows: StateRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    UPDATE monitor_state s SET
      state = u.state, since = u.since,
      consecutive_failures = u.cf, consecutive_successes = u.cs,
      last_status = u.last_status, last_checked_at = u.last_checked_at,
      last_error = u.last_error, open_incident_id = u.open_incident_id,
      quorum_slot_at = u.quorum_slot_at, quorum_open = u.quorum_open::jsonb
    FROM unnest(
      ${rows.map((r) => r.monitorId)}::text[], ${rows.map((r) => r.state)}::text[],
      ${rows.map((r) => r.since.toISOString())}::timestamptz[],
      ${rows.map((r) => r.consecutiveFailures)}::int[], ${rows.map((r) => r.consecutiveSuccesses)}::int[],
      ${rows.map((r) => r.lastStatus)}::text[],
      ${rows.map((r) => r.lastCheckedAt?.toISOString() ?? null)}::timestamptz[],
      ${rows.map((r) => r.lastError)}::text[], ${rows.map((r) => r.openIncidentId)}::text[],
      ${rows.map((r) => r.quorumSlotAt?.toISOString() ?? null)}::timestamptz[],
      ${rows.map((r) => (r.quorumOpen ? JSON.stringify(r.quorumOpen) : null))}::text[]
    ) AS u(monitor_id, state, since, cf, cs, last_status, last_checked_at, last_error, open_incident_id,
      quorum_slot_at, quorum_open)
    WHERE s.monitor_id = u.monitor_id
  `.execute(db);
}
