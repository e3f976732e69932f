import type { MonitorDefinition } from "../../domain/monitor.ts";
import { pauseStep, resumeStep } from "../../domain/state-machine.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isProbed } from "../../monitor-types/types.ts";
import type { Db } from "../../storage/db.ts";
import { insertEvents } from "../../storage/repos/incidents.repo.ts";
import {
  definitionColumns,
  deleteMonitorWithHistory,
  findMonitor,
  updateMonitorRow,
} from "../../storage/repos/monitors.repo.ts";
import { setSchedulesActive, writeSchedules } from "../../storage/repos/schedules.repo.ts";
import { getState, saveStates } from "../../storage/repos/state.repo.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { setParents } from "../dependencies/edges.ts";
import { assertRegionsDeclared } from "../regions/regions.ts";
import {
  type Announcements,
  announce,
  emptyAnnouncements,
  TransitionWrites,
} from "../state/write-transition.ts";
import { changedFields } from "./changes.ts";
import { getMonitor } from "./query.ts";
import { openSecrets, sealSecrets } from "./secrets.ts";
import { slugTakenOr } from "./slug-taken.ts";
import type { MonitorWithState } from "./view.ts";

/**
 * Replaces a monitor's definition (and its parents, when given) and reschedules it from its
 * (possibly new) interval. The audit row names the changed fields, never their values; an update
 * that changes nothing writes none.
 */
export async function updateMonitor(
  ctx: Ctx,
  id: string,
  def: MonitorDefinition,
  parents?: string[],
): Promise<MonitorWithState> {
  await ctx.db
    .transaction()
    .execute((tx) => replaceMonitor(tx, ctx, id, def, parents))
    .catch((err: unknown) => {
      throw slugTakenOr(err);
    });
  return getMonitor(ctx, id);
}

/** `updateMonitor` inside the caller's transaction (an upsert by key). */
export async function replaceMonitor(
  tx: Db,
  ctx: Ctx,
  id: string,
  def: MonitorDefinition,
  parents?: string[],
): Promise<void> {
  const now = ctx.clock.now();
  const stored = await findMonitor(tx, ctx.organizationId, id, true);
  if (!stored) throw new NotFoundError("monitor", id);
  await assertRegionsDeclared(tx, ctx, def.regions);
  // Compared opened: a sealed secret differs from its text at every write (a fresh IV).
  const existing = openSecrets(ctx.keys.encryption, stored);
  const updated = await updateMonitorRow(tx, ctx.organizationId, id, {
    ...definitionColumns(sealSecrets(ctx.keys.encryption, def)),
    updated_at: new Date(now),
  });
  await writeSchedules(tx, { ...updated!, active: !existing.paused && isProbed(updated!.type) }, now);
  const fields = changedFields(existing, def);
  if (parents && (await setParents(tx, ctx, id, parents))) fields.push("parents");
  if (fields.length > 0) {
    await audit(tx, ctx, {
      action: "monitor.update",
      target: { type: "monitor", id },
      summary: { fields },
    });
  }
}

/** Deletes a monitor with its history; the audit row keeps its name once the monitor is gone. */
export async function deleteMonitor(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const monitor = await findMonitor(tx, ctx.organizationId, id, true);
    if (!monitor) throw new NotFoundError("monitor", id);
    await deleteMonitorWithHistory(tx, ctx.organizationId, id);
    await audit(tx, ctx, {
      action: "monitor.delete",
      target: { type: "monitor", id },
      summary: { name: monitor.name, type: monitor.type },
    });
  });
}

/** Pausing stops scheduling and resolves an open incident; resuming starts over from `pending`. */
export async function setMonitorPaused(ctx: Ctx, id: string, paused: boolean): Promise<MonitorWithState> {
  const out = emptyAnnouncements();
  await ctx.db.transaction().execute(async (tx) => {
    if ((await pauseInTransaction(tx, ctx, id, paused, out)) === "missing")
      throw new NotFoundError("monitor", id);
  });
  await announce(ctx, out);
  return getMonitor(ctx, id);
}

/**
 * Pauses or resumes one monitor inside the caller's transaction, audited; what it must announce
 * goes to `out` (publish it after commit). A monitor already in that state is left alone.
 */
export async function pauseInTransaction(
  tx: Db,
  ctx: Ctx,
  id: string,
  paused: boolean,
  out: Announcements,
): Promise<"changed" | "unchanged" | "missing"> {
  const now = ctx.clock.now();
  const at = new Date(now);
  const monitor = await findMonitor(tx, ctx.organizationId, id, true);
  const state = monitor && (await getState(tx, id, true));
  if (!monitor || !state) return "missing";
  const step = paused ? pauseStep(state) : resumeStep(state);
  if (!step.transition) return "unchanged";
  await updateMonitorRow(tx, ctx.organizationId, id, { paused, updated_at: at });
  await setSchedulesActive(tx, id, !paused && isProbed(monitor.type), now);
  const w = new TransitionWrites(out);
  const m = {
    organizationId: ctx.organizationId,
    monitorId: id,
    monitorName: monitor.name,
    openIncidentId: state.openIncidentId,
  };
  const openIncidentId = w.add(m, step, at, paused ? "paused" : "resumed");
  await w.writeIncidents(tx);
  // A paused or resumed monitor starts its quorum afresh: a slot left open before is stale.
  await saveStates(tx, [{ ...state, ...step.next, since: at, openIncidentId, quorumOpen: null }]);
  await insertEvents(tx, w.events);
  await audit(tx, ctx, {
    action: paused ? "monitor.pause" : "monitor.resume",
    target: { type: "monitor", id },
  });
  return "changed";
}
