import type { CheckResult } from "../../domain/check-result.ts";
import { applyResult, type Circumstances, type StateSnapshot } from "../../domain/state-machine.ts";
import { insertEvents, type NewEvent } from "../../storage/repos/incidents.repo.ts";
import { insertResults, resultKey } from "../../storage/repos/results.repo.ts";
import { type LockedMonitor, lockStates, type StateRow, saveStates } from "../../storage/repos/state.repo.ts";
import { queueCertificateWarnings } from "../alerts/certificates.ts";
import { queueNotifications } from "../alerts/outbox.ts";
import type { Runtime } from "../context.ts";
import { type AffectedDependent, recordAffected } from "../dependencies/incident-dependents.ts";
import type { LiveStates } from "../dependencies/parents.ts";
import {
  type Announcements,
  announce,
  emptyAnnouncements,
  writeTransition,
} from "../state/write-transition.ts";
import { circumstancesOf, loadCircumstances } from "./circumstances.ts";

/**
 * Stores a batch of judged results and moves each monitor's state, in one transaction: results,
 * state rows, events and incidents commit together or not at all. A result whose slot is already
 * stored (a redelivery) is ignored, so recording is idempotent.
 */
export async function recordResults(rt: Runtime, results: CheckResult[]): Promise<{ stored: number }> {
  const out = emptyAnnouncements();
  const stored = await rt.db.transaction().execute(async (tx) => {
    const monitorIds = [...new Set(results.map((r) => r.monitorId))].sort();
    const states = new Map((await lockStates(tx, monitorIds)).map((m) => [m.state.monitorId, m]));
    // Results of monitors deleted while their check ran are dropped here.
    const live = results.filter((r) => states.has(r.monitorId)).sort((a, b) => a.slotAt - b.slotAt);
    const inserted = await insertResults(tx, live, rt.clock.now());
    const fresh = live.filter((r) => inserted.has(resultKey(r.monitorId, r.region, r.slotAt)));

    const batch = await loadCircumstances(tx, monitorIds, rt.clock.now());
    const events: NewEvent[] = [];
    const updates = new Map<string, StateRow>();
    const stateNow: LiveStates = (id) => updates.get(id) ?? states.get(id)?.state;
    const affected: AffectedDependent[] = [];
    // Parents first: a parent failing in this batch already counts when its dependents are judged.
    for (const r of batch.dependencies.parentsFirst(fresh)) {
      const s = states.get(r.monitorId)!;
      const prev = updates.get(r.monitorId) ?? s.state;
      const around = circumstancesOf(batch, r.monitorId, stateNow);
      const next = await stepMonitor(tx, s, prev, r, around, events, out);
      updates.set(r.monitorId, next);
      if (next.state === "affected" && prev.state !== "affected") {
        const incidentIds = batch.dependencies.incidentsBehind(r.monitorId, stateNow);
        affected.push({
          organizationId: r.organizationId,
          monitorId: r.monitorId,
          incidentIds,
          since: next.since,
        });
      }
    }
    await saveStates(tx, [...updates.values()]);
    await insertEvents(tx, events);
    await recordAffected(tx, affected);
    // The alerts these changes cause commit with them: none is lost, none is sent for a rollback.
    await queueNotifications(tx, events, rt.auth.publicUrl, rt.clock.now(), rt.keys.links);
    await queueCertificateWarnings(tx, fresh, {
      defaultDays: rt.certificates.warnDays,
      publicUrl: rt.auth.publicUrl,
      nowMs: rt.clock.now(),
    });
    return fresh;
  });
  // Only newly stored results are news: a redelivery or a deleted monitor's result is not.
  for (const r of stored) {
    if (r.status === "unknown") continue;
    out.live.push({
      type: "check.result",
      organizationId: r.organizationId,
      monitorId: r.monitorId,
      region: r.region,
      status: r.status,
      slotAt: new Date(r.slotAt).toISOString(),
      totalMs: r.timings.total,
    });
  }
  await announce(rt, out);
  return { stored: stored.length };
}

async function stepMonitor(
  tx: Parameters<typeof lockStates>[0],
  s: LockedMonitor,
  prev: StateRow,
  r: CheckResult,
  around: Circumstances | undefined,
  events: NewEvent[],
  out: Announcements,
): Promise<StateRow> {
  const at = new Date(r.startedAt);
  const snapshot: StateSnapshot = {
    state: prev.state,
    consecutiveFailures: prev.consecutiveFailures,
    consecutiveSuccesses: prev.consecutiveSuccesses,
  };
  // A check that was in flight when the monitor was paused is stored but moves nothing.
  const step = s.paused
    ? { next: snapshot }
    : applyResult(
        snapshot,
        r.status,
        {
          failuresBeforeDown: s.failuresBeforeDown,
          successesBeforeUp: s.successesBeforeUp,
        },
        around,
      );
  const reason = describeFailure(r);
  const openIncidentId = await writeTransition(
    tx,
    {
      organizationId: r.organizationId,
      monitorId: r.monitorId,
      monitorName: s.name,
      openIncidentId: prev.openIncidentId,
    },
    step,
    at,
    step.transition?.to === "down" || step.transition?.to === "degraded" ? reason : null,
    events,
    out,
  );
  return {
    ...prev,
    state: step.next.state,
    since: step.transition ? at : prev.since,
    consecutiveFailures: step.next.consecutiveFailures,
    consecutiveSuccesses: step.next.consecutiveSuccesses,
    lastStatus: r.status,
    lastCheckedAt: at,
    lastError: r.error ? `${r.error.kind}: ${r.error.message}`.slice(0, 300) : null,
    openIncidentId,
  };
}

/** The reason shown on an event or incident: the error, or the first failed hard assertion. */
function describeFailure(r: CheckResult): string | null {
  if (r.error) return `${r.error.kind}: ${r.error.message}`.slice(0, 300);
  const failed = r.verdicts.find((v) => !v.ok && v.severity === "hard") ?? r.verdicts.find((v) => !v.ok);
  if (!failed) return null;
  return `assertion failed: ${failed.assertion} (actual ${JSON.stringify(failed.actual ?? null)})`.slice(
    0,
    300,
  );
}
