import type { CheckSpec } from "../../domain/monitor.ts";
import { toCheckSpec } from "../../domain/monitor.ts";
import { findMonitorsByIds } from "../../storage/repos/monitors.repo.ts";
import { countLiveProcesses } from "../../storage/repos/processes.repo.ts";
import { claimDueSlots, resumeSchedules } from "../../storage/repos/schedules.repo.ts";
import type { Runtime } from "../context.ts";
import { openSecrets } from "../monitors/secrets.ts";
import { PRESENCE_STALE_MS } from "../regions/presence.ts";

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

/**
 * How far past one interval a schedule may lie ahead before it counts as left there by a clock
 * that stepped back: more than the scheduler's claim horizon (one tick, 1 s), so a slot claimed
 * just ahead of time is never moved back onto itself.
 */
const AHEAD_MARGIN_MS = 5_000;

/**
 * Skips slots missed while no scheduler ran, so a restart resumes without a burst. When another
 * scheduler of the region is live (`selfId`: this process's presence id), no slot was missed: the
 * overdue ones are its backlog, which it still checks, so only schedules left ahead by a clock
 * step are re-aligned.
 */
export async function resumeAfterRestart(rt: Runtime, graceMs: number, selfId?: string): Promise<number> {
  const now = rt.clock.now();
  const others =
    selfId === undefined
      ? 0
      : await countLiveProcesses(rt.db, {
          role: "scheduler",
          region: rt.region,
          exceptId: selfId,
          seenSince: new Date(now - PRESENCE_STALE_MS),
        });
  return resumeSchedules(rt.db, rt.region, new Date(now), others > 0 ? null : graceMs, AHEAD_MARGIN_MS);
}
