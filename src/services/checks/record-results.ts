import type { CheckResult, ResultStatus } from "../../domain/check-result.ts";
import { decideSlots, type OpenSlots, quorumOf } from "../../domain/quorum.ts";
import { applyResult, type Circumstances, type StateSnapshot } from "../../domain/state-machine.ts";
import { isProbed } from "../../monitor-types/types.ts";
import { insertScreenshots } from "../../storage/repos/artifacts.repo.ts";
import { insertEvents } from "../../storage/repos/incidents.repo.ts";
import { insertResults, resultKey } from "../../storage/repos/results.repo.ts";
import { rewindRollupWatermark } from "../../storage/repos/rollups.repo.ts";
import { type LockedMonitor, lockStates, type StateRow, saveStates } from "../../storage/repos/state.repo.ts";
import { queueCertificateWarnings } from "../alerts/certificates.ts";
import { handOver } from "../alerts/deliveries.ts";
import { queueNotifications } from "../alerts/outbox.ts";
import type { Runtime } from "../context.ts";
import { type AffectedDependent, recordAffected } from "../dependencies/incident-dependents.ts";
import type { LiveStates } from "../dependencies/parents.ts";
import { livenessOf, regionKey } from "../regions/presence.ts";
import { announce, TransitionWrites } from "../state/write-transition.ts";
import { circumstancesOf, loadCircumstances } from "./circumstances.ts";
import { ROLLUP_CLOSE_DELAY_MS } from "./maintain.ts";

type Tx = Parameters<typeof lockStates>[0];

/**
 * Stores a batch of judged results and moves each monitor's state, in one transaction: results,
 * state rows, events and incidents commit together or not at all. A result whose slot is already
 * stored (a redelivery) is ignored, so recording is idempotent.
 */
export async function recordResults(rt: Runtime, results: CheckResult[]): Promise<{ stored: number }> {
  const w = new TransitionWrites();
  // This process's notifier takes the alerts of these changes as they commit (handover.ts).
  const handover = rt.handover;
  const claim = handover && {
    limit: handover.room(),
    leaseUntil: new Date(rt.clock.now() + handover.leaseMs),
  };
  const { stored, claimed } = await rt.db.transaction().execute(async (tx) => {
    const monitorIds = [...new Set(results.map((r) => r.monitorId))].sort();
    const states = new Map((await lockStates(tx, monitorIds)).map((m) => [m.state.monitorId, m]));
    // Results of monitors deleted while their check ran are dropped here.
    const live = results.filter((r) => states.has(r.monitorId)).sort((a, b) => a.slotAt - b.slotAt);
    const inserted = await insertResults(tx, live, rt.clock.now());
    const fresh = live.filter((r) => inserted.has(resultKey(r.monitorId, r.region, r.slotAt)));
    await rewindForLateResults(tx, fresh, rt.clock.now());
    // A failed browser check's screenshot, beside its result (a passing one keeps none).
    await insertScreenshots(
      tx,
      fresh.flatMap((r) => (r.screenshot && r.status === "down" ? [{ ...r, screenshot: r.screenshot }] : [])),
      rt.clock.now(),
    );

    const batch = await loadCircumstances(tx, monitorIds, rt.clock.now());
    const updates = new Map<string, StateRow>();
    const stateNow: LiveStates = (id) => updates.get(id) ?? states.get(id)?.state;
    const affected: AffectedDependent[] = [];
    const silent = await silentRegions(tx, fresh, states, rt.clock.now());
    // Parents first: a parent failing in this batch already counts when its dependents are judged.
    // An offline result (a remote probe's, checked while it could not reach us) is history only.
    for (const r of batch.dependencies.parentsFirst(fresh.filter((f) => !f.offline))) {
      const s = states.get(r.monitorId)!;
      const prev = updates.get(r.monitorId) ?? s.state;
      const around = circumstancesOf(batch, r.monitorId, stateNow);
      const next = usesQuorum(s)
        ? stepQuorum(
            s,
            prev,
            r,
            around,
            new Set(s.regions.filter((region) => silent.has(regionKey(r.organizationId, region)))),
            w,
          )
        : stepMonitor(s, prev, r, around, w);
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
    await w.writeIncidents(tx);
    await saveStates(tx, [...updates.values()]);
    await insertEvents(tx, w.events);
    await recordAffected(tx, affected);
    // The alerts these changes cause commit with them: none is lost, none is sent for a rollback.
    const claimed = await queueNotifications(
      tx,
      w.events,
      rt.auth.publicUrl,
      rt.clock.now(),
      rt.keys.links,
      claim,
    );
    await queueCertificateWarnings(
      tx,
      fresh.filter((f) => !f.offline),
      {
        defaultDays: rt.certificates.warnDays,
        publicUrl: rt.auth.publicUrl,
        nowMs: rt.clock.now(),
      },
    );
    return { stored: fresh, claimed };
  });
  // Only newly stored results are news: a redelivery or a deleted monitor's result is not.
  for (const r of stored) {
    if (r.status === "unknown") continue;
    w.out.live.push({
      type: "check.result",
      organizationId: r.organizationId,
      monitorId: r.monitorId,
      region: r.region,
      status: r.status,
      slotAt: new Date(r.slotAt).toISOString(),
      totalMs: r.timings.total,
    });
  }
  handOver(rt, claimed);
  await announce(rt, w.out);
  return { stored: stored.length };
}

/**
 * Results for an hour the rollup job already summarised (fresh is sorted by slot; normally none:
 * an hour is summarised minutes after it ends) set its watermark back to that hour, so uptime
 * figures and charts count them too. A remote probe's offline results, uploaded hours later, are
 * the usual case.
 */
async function rewindForLateResults(tx: Tx, fresh: CheckResult[], now: number): Promise<void> {
  const oldest = fresh[0]?.slotAt;
  if (oldest === undefined || oldest >= floorToHour(now - ROLLUP_CLOSE_DELAY_MS)) return;
  await rewindRollupWatermark(tx, new Date(floorToHour(oldest)));
}

const floorToHour = (t: number) => Math.floor(t / 3_600_000) * 3_600_000;

/** One result moves a monitor of one region (or a passive type) directly, as it always has. */
function stepMonitor(
  s: LockedMonitor,
  prev: StateRow,
  r: CheckResult,
  around: Circumstances | undefined,
  w: TransitionWrites,
): StateRow {
  const at = new Date(r.startedAt);
  const change = { organizationId: r.organizationId, status: r.status, at, reason: describeFailure(r) };
  const moved = applyStatus(s, prev, change, around, w);
  return {
    ...moved,
    lastStatus: r.status,
    lastCheckedAt: at,
    lastError: r.error ? `${r.error.kind}: ${r.error.message}`.slice(0, 300) : null,
  };
}

/**
 * Several regions: the result joins its slot, and every slot now certain (domain/quorum.ts)
 * moves the state by its verdict, recording what each region saw. A manual check, a region the
 * monitor no longer has, or a slot already decided is stored and moves nothing.
 */
function stepQuorum(
  s: LockedMonitor,
  prev: StateRow,
  r: CheckResult,
  around: Circumstances | undefined,
  silent: ReadonlySet<string>,
  w: TransitionWrites,
): StateRow {
  const checkedAt = new Date(Math.max(r.startedAt, prev.lastCheckedAt?.getTime() ?? 0));
  const late = prev.quorumSlotAt !== null && r.slotAt <= prev.quorumSlotAt.getTime();
  if (r.manual || late || !s.regions.includes(r.region)) return { ...prev, lastCheckedAt: checkedAt };
  const open: OpenSlots = { ...(prev.quorumOpen ?? {}) };
  const key = String(r.slotAt);
  const slot = open[key] ?? { seen: {}, reason: null, at: r.startedAt };
  const failed = r.status === "down" || r.status === "degraded";
  open[key] = {
    seen: { ...slot.seen, [r.region]: r.status },
    reason: slot.reason ?? (failed ? describeFailure(r) : null),
    at: Math.max(slot.at, r.startedAt),
  };
  const k = quorumOf(s.regions.length, s.quorum);
  const { decided, open: left } = decideSlots(open, s.regions, k, silent);
  let row: StateRow = {
    ...prev,
    quorumOpen: Object.keys(left).length > 0 ? left : null,
    lastCheckedAt: checkedAt,
  };
  for (const d of decided) {
    const at = new Date(d.at);
    const reason = d.verdict === "down" || d.verdict === "degraded" ? d.reason : null;
    const change = { organizationId: r.organizationId, status: d.verdict, at, reason, regions: d.regions };
    const moved = applyStatus(s, row, change, around, w);
    row = {
      ...moved,
      quorumSlotAt: new Date(d.slotAt),
      lastStatus: d.verdict,
      lastError: reason,
    };
  }
  return row;
}

/** Applies one status (a result's, or a slot's verdict) through the state machine and writes its transition. */
function applyStatus(
  s: LockedMonitor,
  prev: StateRow,
  change: {
    organizationId: string;
    status: ResultStatus;
    at: Date;
    reason: string | null;
    /** What each region saw, when a quorum decided. */
    regions?: Record<string, string>;
  },
  around: Circumstances | undefined,
  w: TransitionWrites,
): StateRow {
  const { status, at, reason, regions } = change;
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
        status,
        {
          failuresBeforeDown: s.failuresBeforeDown,
          successesBeforeUp: s.successesBeforeUp,
        },
        around,
      );
  const openIncidentId = w.add(
    {
      organizationId: change.organizationId,
      monitorId: prev.monitorId,
      monitorName: s.name,
      openIncidentId: prev.openIncidentId,
    },
    step,
    at,
    step.transition?.to === "down" || step.transition?.to === "degraded" ? reason : null,
    regions,
  );
  return {
    ...prev,
    state: step.next.state,
    since: step.transition ? at : prev.since,
    consecutiveFailures: step.next.consecutiveFailures,
    consecutiveSuccesses: step.next.consecutiveSuccesses,
    openIncidentId,
  };
}

/** A monitor judged by a quorum: several regions, and checks the probes run (not heartbeats). */
function usesQuorum(s: LockedMonitor): boolean {
  return s.regions.length > 1 && isProbed(s.type);
}

/** The regions (of this batch's quorum monitors, by `regionKey` of their organization) with no live probe: they count as unknown. */
async function silentRegions(
  tx: Tx,
  fresh: CheckResult[],
  states: Map<string, LockedMonitor>,
  nowMs: number,
): Promise<Set<string>> {
  const regions = new Map<string, { organizationId: string; region: string }>();
  for (const r of fresh) {
    const s = states.get(r.monitorId);
    if (s && usesQuorum(s)) {
      for (const region of s.regions) {
        regions.set(regionKey(r.organizationId, region), { organizationId: r.organizationId, region });
      }
    }
  }
  if (regions.size === 0) return new Set();
  const live = await livenessOf(tx, nowMs, [...regions.values()]);
  return new Set([...regions.keys()].filter((key) => (live.get(key)?.probes ?? 0) === 0));
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
