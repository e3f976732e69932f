import type { Circumstances } from "../../domain/state-machine.ts";
import type { Db } from "../../storage/db.ts";
import { monitorsWithParentDown } from "../dependencies/parents.ts";
import { monitorsInMaintenance } from "../maintenance/active.ts";

/**
 * What, around each of these monitors, changes how its next result moves it: an active
 * maintenance window, a parent that is down. Read inside the recording transaction.
 */
export async function circumstancesOf(
  tx: Db,
  monitorIds: string[],
  nowMs: number,
): Promise<Map<string, Circumstances>> {
  const [maintenance, parentDown] = await Promise.all([
    monitorsInMaintenance(tx, monitorIds, nowMs),
    monitorsWithParentDown(tx, monitorIds),
  ]);
  const out = new Map<string, Circumstances>();
  for (const id of monitorIds) {
    const c: Circumstances = {};
    if (maintenance.has(id)) c.maintenance = true;
    if (parentDown.has(id)) c.parentDown = true;
    if (c.maintenance || c.parentDown) out.set(id, c);
  }
  return out;
}
