import type { Selectable } from "kysely";
import type { MaintenanceSchedule } from "../../domain/maintenance-schedule.ts";
import type { Db } from "../../storage/db.ts";
import type { MaintenanceWindowsTable } from "../../storage/schema-maintenance.ts";

/** A stored window as read. */
export type WindowRow = Selectable<MaintenanceWindowsTable>;

/** The schedule a row stores: one-off in its own columns (for a plain SQL filter), else a rule. */
export function scheduleOf(
  row: Pick<WindowRow, "kind" | "starts_at" | "ends_at" | "recurrence">,
): MaintenanceSchedule {
  if (row.kind === "once") {
    if (!row.starts_at || !row.ends_at) throw new Error("one-off maintenance window without its times");
    return { type: "once", startsAt: row.starts_at.getTime(), endsAt: row.ends_at.getTime() };
  }
  if (!row.recurrence) throw new Error("recurring maintenance window without its rule");
  return { type: "recurring", ...row.recurrence };
}

/** The columns that store a schedule (the table's CHECK allows exactly one of the two forms). */
export function scheduleColumns(schedule: MaintenanceSchedule) {
  if (schedule.type === "once") {
    return {
      kind: "once" as const,
      starts_at: new Date(schedule.startsAt),
      ends_at: new Date(schedule.endsAt),
      recurrence: null,
    };
  }
  const { type: _type, ...recurrence } = schedule;
  return {
    kind: "recurring" as const,
    starts_at: null,
    ends_at: null,
    recurrence: JSON.stringify(recurrence),
  };
}

/** The monitors each of these windows lists, keyed by window id (every id present, maybe empty). */
export async function listedMonitors(db: Db, windowIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(windowIds.map((id) => [id, []]));
  if (windowIds.length === 0) return out;
  const rows = await db
    .selectFrom("maintenance_window_monitors")
    .select(["window_id", "monitor_id"])
    .where("window_id", "in", windowIds)
    .orderBy("monitor_id")
    .execute();
  for (const r of rows) out.get(r.window_id)?.push(r.monitor_id);
  return out;
}

/** Replaces the monitors a window lists. */
export async function writeListedMonitors(
  tx: Db,
  organizationId: string,
  windowId: string,
  monitorIds: string[],
): Promise<void> {
  await tx.deleteFrom("maintenance_window_monitors").where("window_id", "=", windowId).execute();
  if (monitorIds.length === 0) return;
  await tx
    .insertInto("maintenance_window_monitors")
    .values(
      monitorIds.map((monitor_id) => ({ window_id: windowId, monitor_id, organization_id: organizationId })),
    )
    .execute();
}

/** Which of these ids are monitors of the organization; others (foreign or missing) are not. */
export async function existingMonitors(db: Db, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("monitors")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("id", "in", ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}
