import type { CheckSpec } from "../../domain/monitor.ts";
import { toCheckSpec } from "../../domain/monitor.ts";
import { rowToMonitor } from "../../storage/repos/monitors.repo.ts";
import { claimDueSlots, resumeSchedules } from "../../storage/repos/schedules.repo.ts";
import type { Runtime } from "../context.ts";

export interface DueCheck {
  spec: CheckSpec;
  region: string;
  slotAt: number;
}

/**
 * Claims the region's slots due up to `horizon` (default: now), skipping monitors with a check in
 * flight here. A horizon slightly ahead lets the scheduler release each check on time.
 */
export async function claimDueChecks(
  rt: Runtime,
  limit: number,
  horizon = rt.clock.now(),
): Promise<DueCheck[]> {
  const rows = await claimDueSlots(rt.db, rt.region, new Date(horizon), limit, rt.inFlight.ids());
  return rows.map((row) => ({
    spec: toCheckSpec(rowToMonitor(row)),
    region: rt.region,
    slotAt: row.slot_at.getTime(),
  }));
}

/** Skips slots missed while no scheduler ran, so a restart resumes without a burst. */
export async function resumeAfterRestart(rt: Runtime, graceMs: number): Promise<number> {
  return resumeSchedules(rt.db, rt.region, new Date(rt.clock.now()), graceMs);
}
