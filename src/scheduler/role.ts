import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { JobQueue } from "../queue/queue.ts";
import { claimDueChecks, resumeAfterRestart, SpecCache } from "../services/checks/claim-due.ts";
import { sweepLostChecks } from "../services/checks/lost.ts";
import type { Runtime } from "../services/context.ts";
import { sweepHeartbeats } from "../services/heartbeats/sweep.ts";
import { watchRegions } from "../services/regions/watch.ts";
import { HeartbeatSweeper } from "./heartbeat-sweep.ts";
import { Scheduler } from "./scheduler.ts";

/** Slots overdue by more than this at start are skipped rather than run in a burst. */
const RESUME_GRACE_MS = 2_000;

export interface SchedulerRoleOptions {
  region: string;
  /** The region's probe concurrency: one probe round of checks. */
  probeConcurrency: number;
  lostCheckGraceMs: number;
  /** This process's id in `processes` (its claims are resumed after a restart). */
  processId: string;
  clock: Clock;
  log: Logger;
  heartbeatSweepMs?: number;
  regionWatchMs?: number;
}

/**
 * The scheduler role: the scheduler that claims due slots and enqueues their checks, and the three
 * sweeps that run beside it (heartbeat deadlines, regions without a live probe, lost checks).
 * Resolves once the scheduler has resumed; `stop` ends all four.
 */
export async function startSchedulerRole(
  rt: Runtime,
  queue: JobQueue,
  o: SchedulerRoleOptions,
): Promise<{ stop(): Promise<void> }> {
  // Keep at most two probe rounds of work waiting in the region's queue (more would only add
  // lateness), read from the queue so every probe's backlog counts, and claim in rounds of at
  // least one probe round when saturated, so a round is always queued meanwhile.
  const capacity = async () => {
    const { waiting, active } = await queue.depth("check.run", o.region);
    const round = o.probeConcurrency;
    return Math.max(0, 2 * round - waiting) + Math.max(0, round - active);
  };
  const specs = new SpecCache();
  const scheduler = new Scheduler({
    claim: (limit, horizon) => claimDueChecks(rt, limit, horizon, specs),
    enqueue: (due) => queue.enqueue("check.run", { ...due, manual: false }),
    capacity,
    minClaim: o.probeConcurrency,
    // A release group never holds two checks of one monitor (a claim has one slot of each anyway).
    keyOf: (due) => due.spec.monitorId,
    resume: () => resumeAfterRestart(rt, RESUME_GRACE_MS, o.processId),
    clock: o.clock,
    log: o.log,
  });
  await scheduler.start();
  const heartbeatSweeper = new HeartbeatSweeper(() => sweepHeartbeats(rt), o.log, o.heartbeatSweepMs);
  heartbeatSweeper.start();
  // Regions without a live probe are marked and their admins told (services/regions/watch.ts);
  // the first pass waits a round, so probes starting beside this scheduler have beaten.
  const regionWatchMs = o.regionWatchMs ?? 15_000;
  const regionWatcher = new HeartbeatSweeper(
    async () => (await watchRegions(rt)).length,
    o.log,
    regionWatchMs,
    "regions without a live probe changed",
  );
  regionWatcher.start(regionWatchMs);
  const lostSweeper = new HeartbeatSweeper(
    () => sweepLostChecks(rt, o.lostCheckGraceMs),
    o.log,
    o.heartbeatSweepMs,
    "lost checks recorded unknown",
  );
  lostSweeper.start();
  return {
    async stop() {
      await scheduler.stop();
      await heartbeatSweeper.stop();
      await regionWatcher.stop();
      await lostSweeper.stop();
    },
  };
}
