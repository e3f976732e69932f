import type { CheckResult } from "../../domain/check-result.ts";
import { takeExpiredClaims } from "../../storage/repos/claims.repo.ts";
import type { Runtime } from "../context.ts";

/** Claims looked at per pass; a backlog is worked off over the next passes. */
const SWEEP_BATCH = 5_000;

/**
 * The lost-slot sweep (the scheduler role runs it every few seconds): every slot claimed in this
 * region whose result is not stored by its deadline (slot + the monitor's timeout + `graceMs`) is
 * recorded `unknown` through the evaluator. Its job was lost: Redis restarted without persistence,
 * a probe died with it, a process stopped with jobs still queued. `unknown` moves no state and
 * pages nobody, and the gap is visible, never silently missing. A result that still arrives later
 * finds its slot taken (one result per slot) and is dropped.
 * The claims are removed in the same transaction that queues the results, so a failure leaves
 * them for the next pass. Returns how many slots were found lost.
 */
export async function sweepLostChecks(rt: Runtime, graceMs: number): Promise<number> {
  return rt.db.transaction().execute(async (tx) => {
    const claims = await takeExpiredClaims(tx, rt.region, new Date(rt.clock.now()), graceMs, SWEEP_BATCH);
    let lost = 0;
    for (const claim of claims) {
      if (claim.checked) continue;
      await rt.queue.enqueue("check.result", lostResult(rt.region, claim));
      lost++;
    }
    return lost;
  });
}

function lostResult(
  region: string,
  claim: { monitor_id: string; organization_id: string; slot_at: Date },
): CheckResult {
  const slotAt = claim.slot_at.getTime();
  return {
    monitorId: claim.monitor_id,
    organizationId: claim.organization_id,
    region,
    slotAt,
    startedAt: slotAt,
    manual: false,
    status: "unknown",
    timings: { total: 0 },
    error: {
      kind: "internal",
      message: "check lost: its job never ran to a result (queue or probe failure)",
    },
    verdicts: [],
  };
}
