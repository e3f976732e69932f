import type { CheckSpec } from "../../domain/monitor.ts";
import { toCheckSpec } from "../../domain/monitor.ts";
import { findMonitorsByIds } from "../../storage/repos/monitors.repo.ts";
import { claimDueSlots, resumeSchedules } from "../../storage/repos/schedules.repo.ts";
import type { Runtime } from "../context.ts";
import { openSecrets } from "../monitors/secrets.ts";

export interface DueCheck {
  spec: CheckSpec;
  region: string;
  slotAt: number;
}

/**
 * Check specs by monitor id, each with the monitor's updated_at: a claimed slot carries
 * updated_at, so only new or edited monitors are read again. Cleared when it grows past
 * `maxEntries` (deleted monitors otherwise stay until then).
 */
export class SpecCache {
  private readonly specs = new Map<string, { revision: number; spec: CheckSpec }>();
  constructor(private readonly maxEntries = 200_000) {}

  get(id: string, revision: number): CheckSpec | undefined {
    const hit = this.specs.get(id);
    return hit && hit.revision === revision ? hit.spec : undefined;
  }

  set(id: string, revision: number, spec: CheckSpec): void {
    if (this.specs.size >= this.maxEntries) this.specs.clear();
    this.specs.set(id, { revision, spec });
  }
}

/**
 * Claims the region's slots due up to `horizon` (default: now), skipping monitors with a check in
 * flight here. A horizon slightly ahead lets the scheduler release each check on time.
 */
export async function claimDueChecks(
  rt: Runtime,
  limit: number,
  horizon = rt.clock.now(),
  cache = new SpecCache(),
): Promise<DueCheck[]> {
  const now = new Date(Math.min(rt.clock.now(), horizon));
  const slots = await claimDueSlots(
    rt.db,
    rt.region,
    { now, horizon: new Date(horizon) },
    limit,
    rt.inFlight.ids(),
  );
  const missing = slots.filter((s) => !cache.get(s.monitor_id, s.revision));
  for (const { monitor, revision } of await findMonitorsByIds(
    rt.db,
    missing.map((s) => s.monitor_id),
  )) {
    cache.set(monitor.id, revision, toCheckSpec(openSecrets(rt.keys.encryption, monitor)));
  }
  const due: DueCheck[] = [];
  for (const slot of slots) {
    // A monitor deleted between the claim and the read has no spec: its slot is simply dropped.
    const spec = cache.get(slot.monitor_id, slot.revision);
    if (spec) due.push({ spec, region: rt.region, slotAt: slot.slot_at.getTime() });
  }
  return due;
}

/** Skips slots missed while no scheduler ran, so a restart resumes without a burst. */
export async function resumeAfterRestart(rt: Runtime, graceMs: number): Promise<number> {
  return resumeSchedules(rt.db, rt.region, new Date(rt.clock.now()), graceMs);
}
