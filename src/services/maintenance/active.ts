import type { Db } from "../../storage/db.ts";

/** PLACEHOLDER (being built): the monitors among these inside an active maintenance window now. */
export async function monitorsInMaintenance(
  _tx: Db,
  _monitorIds: string[],
  _nowMs: number,
): Promise<Set<string>> {
  return new Set();
}
