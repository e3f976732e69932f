import type { CheckResult } from "../../domain/check-result.ts";
import type { Monitor } from "../../domain/monitor.ts";
import { deadlineAfter } from "../../monitor-types/heartbeat/schedule.ts";
import type { HeartbeatSettings } from "../../monitor-types/heartbeat/settings.ts";
import { claimDeadline, heartbeatsToSweep } from "../../storage/repos/heartbeats.repo.ts";
import type { Runtime } from "../context.ts";

/**
 * The deadline sweep (the scheduler role runs it every few seconds): a heartbeat with no success
 * by its deadline (next expected time + grace, counted from its last success, or from its
 * creation or last edit), or with a run started more than the grace ago and never finished, gets
 * a `down` result through the evaluator. Each deadline is claimed in the database first, so with
 * several schedulers it is judged once. Returns how many it judged.
 */
export async function sweepHeartbeats(rt: Runtime): Promise<number> {
  const now = rt.clock.now();
  let judged = 0;
  for (const { monitor, lastSuccessAt, openStarts } of await heartbeatsToSweep(rt.db)) {
    const h = monitor.heartbeat as HeartbeatSettings;
    const since = Math.max(
      lastSuccessAt?.getTime() ?? monitor.createdAt.getTime(),
      monitor.updatedAt.getTime(),
    );
    const deadline = deadlineAfter(h, since);
    if (deadline <= now && (await claimDeadline(rt.db, monitor.id, new Date(deadline)))) {
      const expected = new Date(deadline - h.graceSeconds * 1000).toISOString();
      await rt.queue.enqueue(
        "check.result",
        missed(rt, monitor, deadline, `no success by ${expected} (+ grace)`),
      );
      judged++;
    }
    for (const start of openStarts) {
      const end = start.getTime() + h.graceSeconds * 1000;
      if (end <= now && (await claimDeadline(rt.db, monitor.id, new Date(end)))) {
        const message = `started at ${start.toISOString()} and never finished`;
        await rt.queue.enqueue("check.result", missed(rt, monitor, end, message));
        judged++;
      }
    }
  }
  return judged;
}

function missed(rt: Runtime, monitor: Monitor, at: number, message: string): CheckResult {
  return {
    monitorId: monitor.id,
    organizationId: monitor.organizationId,
    region: rt.region,
    slotAt: at,
    startedAt: at,
    manual: false,
    status: "down",
    timings: { total: 0 },
    error: { kind: "timeout", message },
    verdicts: [],
  };
}
