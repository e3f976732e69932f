import type { Circumstances } from "../../domain/state-machine.ts";
import type { Db } from "../../storage/db.ts";
import { BatchDependencies, type LiveStates } from "../dependencies/parents.ts";
import { monitorsInMaintenance } from "../maintenance/active.ts";

/**
 * What, around a batch's monitors, changes how their results move them: an active maintenance
 * window (fixed for the batch), and parents that are down (which the batch itself may change, so
 * it is asked per result, with the states the batch has moved so far).
 */
export interface BatchCircumstances {
  maintenance: ReadonlySet<string>;
  dependencies: BatchDependencies;
}

/** Reads a batch's circumstances inside the recording transaction: one query each. */
export async function loadCircumstances(
  tx: Db,
  monitorIds: string[],
  nowMs: number,
): Promise<BatchCircumstances> {
  const [maintenance, dependencies] = await Promise.all([
    monitorsInMaintenance(tx, monitorIds, nowMs),
    BatchDependencies.load(tx, monitorIds),
  ]);
  return { maintenance, dependencies };
}

/** The circumstances of one monitor at this point of the batch; undefined when nothing applies. */
export function circumstancesOf(
  batch: BatchCircumstances,
  monitorId: string,
  live: LiveStates,
): Circumstances | undefined {
  const c: Circumstances = {};
  if (batch.maintenance.has(monitorId)) c.maintenance = true;
  if (batch.dependencies.parentDown(monitorId, live)) c.parentDown = true;
  return c.maintenance || c.parentDown ? c : undefined;
}
