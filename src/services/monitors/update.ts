import type { MonitorDefinition } from "../../domain/monitor.ts";
import { pauseStep, resumeStep } from "../../domain/state-machine.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { insertEvents, type NewEvent } from "../../storage/repos/incidents.repo.ts";
import {
  definitionColumns,
  deleteMonitorWithHistory,
  findMonitor,
  updateMonitorRow,
} from "../../storage/repos/monitors.repo.ts";
import { setSchedulesActive, writeSchedules } from "../../storage/repos/schedules.repo.ts";
import { getState, saveStates } from "../../storage/repos/state.repo.ts";
import type { Ctx } from "../context.ts";
import { announce, emptyAnnouncements, writeTransition } from "../state/write-transition.ts";
import { getMonitor } from "./query.ts";
import type { MonitorWithState } from "./view.ts";

/** Replaces a monitor's definition and reschedules it from its (possibly new) interval. */
export async function updateMonitor(ctx: Ctx, id: string, def: MonitorDefinition): Promise<MonitorWithState> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await findMonitor(tx, ctx.organizationId, id, true);
    if (!existing) throw new NotFoundError("monitor", id);
    const updated = await updateMonitorRow(tx, ctx.organizationId, id, {
      ...definitionColumns(def),
      updated_at: new Date(now),
    });
    await writeSchedules(tx, { ...updated!, active: !existing.paused }, now);
  });
  return getMonitor(ctx, id);
}

export async function deleteMonitor(ctx: Ctx, id: string): Promise<void> {
  const deleted = await ctx.db
    .transaction()
    .execute((tx) => deleteMonitorWithHistory(tx, ctx.organizationId, id));
  if (!deleted) throw new NotFoundError("monitor", id);
}

/** Pausing stops scheduling and resolves an open incident; resuming starts over from `pending`. */
export async function setMonitorPaused(ctx: Ctx, id: string, paused: boolean): Promise<MonitorWithState> {
  const now = ctx.clock.now();
  const at = new Date(now);
  const out = emptyAnnouncements();
  await ctx.db.transaction().execute(async (tx) => {
    const monitor = await findMonitor(tx, ctx.organizationId, id, true);
    const state = monitor && (await getState(tx, id, true));
    if (!monitor || !state) throw new NotFoundError("monitor", id);
    const step = paused ? pauseStep(state) : resumeStep(state);
    if (!step.transition) return;
    await updateMonitorRow(tx, ctx.organizationId, id, { paused, updated_at: at });
    await setSchedulesActive(tx, id, !paused, now);
    const events: NewEvent[] = [];
    const m = {
      organizationId: ctx.organizationId,
      monitorId: id,
      monitorName: monitor.name,
      openIncidentId: state.openIncidentId,
    };
    const openIncidentId = await writeTransition(tx, m, step, at, paused ? "paused" : "resumed", events, out);
    await saveStates(tx, [{ ...state, ...step.next, since: at, openIncidentId }]);
    await insertEvents(tx, events);
  });
  await announce(ctx, out);
  return getMonitor(ctx, id);
}
