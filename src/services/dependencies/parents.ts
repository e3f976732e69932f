import type { Db } from "../../storage/db.ts";

/** PLACEHOLDER (being built): the monitors among these with at least one parent monitor down. */
export async function monitorsWithParentDown(_tx: Db, _monitorIds: string[]): Promise<Set<string>> {
  return new Set();
}
