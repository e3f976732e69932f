import { createHash } from "node:crypto";
import type { CheckResult } from "../../domain/check-result.ts";
import { type CheckSpec, toCheckSpec } from "../../domain/monitor.ts";
import { latestSlotAtOrBefore } from "../../domain/schedule.ts";
import { AppError } from "../../lib/errors.ts";
import { findMonitorsByIds } from "../../storage/repos/monitors.repo.ts";
import { claimDueSlots } from "../../storage/repos/schedules.repo.ts";
import { sweepLostChecks } from "../checks/lost.ts";
import type { Runtime } from "../context.ts";
import { beatProbe, PRESENCE_EVERY_MS } from "../regions/presence.ts";
import type { ProbeCaller } from "./tokens.ts";

/**
 * The remote-probe protocol's version; an agent names the one it speaks (docs/remote-probes.md).
 * 2 added offline results, the monitors' intervals and the region's private-target setting.
 */
export const PROBE_PROTOCOL = 2;
/** The versions this server answers: the current one and the one before. */
export const PROBE_PROTOCOLS = [1, 2] as const;
export type ProbeProtocol = (typeof PROBE_PROTOCOLS)[number];

/**
 * How old an offline result may be and still be stored (its slot, against the server's clock).
 * An agent checks on its own for at most this long after it lost the server.
 */
export const OFFLINE_MAX_AGE_MS = 24 * 3_600_000;
/** How far ahead of the server's clock an offline result's times may be (a skewed probe clock). */
const OFFLINE_AHEAD_MS = 120_000;

export type AssignedMonitor = CheckSpec & { revision: number; intervalSeconds: number };

/** A slot handed to a remote probe: check this monitor (at this spec revision) for this slot. */
export interface ProbeSlot {
  monitorId: string;
  slotAt: number;
  revision: number;
}

/**
 * The monitors a remote probe checks: the organization's active monitors that name its region,
 * with a revision (a hash of every monitor's id and revision) so an unchanged set is not sent again.
 */
export async function probeAssignments(
  rt: Runtime,
  caller: ProbeCaller,
): Promise<{ revision: string; allowPrivateTargets: boolean; monitors: AssignedMonitor[] }> {
  const region = await rt.db
    .selectFrom("regions")
    .select("allow_private_targets")
    .where("organization_id", "=", caller.organizationId)
    .where("name", "=", caller.region)
    .executeTakeFirst();
  const allowPrivateTargets = region?.allow_private_targets === true;
  const rows = await rt.db
    .selectFrom("monitor_schedules")
    .select(["monitor_id", "interval_seconds"])
    .where("organization_id", "=", caller.organizationId)
    .where("region", "=", caller.region)
    .where("active", "=", true)
    .orderBy("monitor_id")
    .execute();
  const found = await findMonitorsByIds(
    rt.db,
    rows.map((r) => r.monitor_id),
  );
  const intervals = new Map(rows.map((r) => [r.monitor_id, r.interval_seconds]));
  const monitors = found
    .filter(({ monitor }) => monitor.organizationId === caller.organizationId)
    .sort((a, b) => a.monitor.id.localeCompare(b.monitor.id))
    .map(({ monitor, revision }) => ({
      ...toCheckSpec(monitor),
      revision,
      intervalSeconds: intervals.get(monitor.id) ?? monitor.intervalSeconds,
    }));
  const hash = createHash("sha256");
  // The region's setting is part of the revision: turning it on or off reaches the probes.
  hash.update(`private:${allowPrivateTargets}\n`);
  for (const m of monitors) hash.update(`${m.monitorId}:${m.revision}\n`);
  return { revision: hash.digest("base64url").slice(0, 22), allowPrivateTargets, monitors };
}

const lastSweep = new Map<string, number>();
const lastBeat = new Map<string, number>();
const SWEEP_EVERY_MS = 5_000;

/**
 * Claims the region's due slots of the caller's organization (each slot once, however many
 * probes share the token: the same claim as the in-cluster scheduler's). No scheduler runs for a
 * remote region, so the caller's requests also run its lost-slot sweep (at most every 5 s here).
 */
export async function claimProbeSlots(
  rt: Runtime,
  caller: ProbeCaller,
  max: number,
  lostGraceMs: number,
): Promise<ProbeSlot[]> {
  const now = rt.clock.now();
  // The region is live while its remote probes claim (docs/regions.md, "Probes report in"): one
  // presence row (in `processes`) per token and address, renewed every few seconds.
  const probeId = `${caller.tokenId}@${caller.ip}`;
  if (now - (lastBeat.get(probeId) ?? 0) >= PRESENCE_EVERY_MS) {
    if (lastBeat.size > 10_000) lastBeat.clear();
    lastBeat.set(probeId, now);
    // Scoped to the token's organization: it makes that organization's remote region live only.
    await beatProbe(
      rt.db,
      {
        probeId,
        region: caller.region,
        host: caller.ip,
        startedAt: now,
        organizationId: caller.organizationId,
      },
      now,
    );
  }
  if (now - (lastSweep.get(caller.region) ?? 0) >= SWEEP_EVERY_MS) {
    lastSweep.set(caller.region, now);
    await sweepLostChecks({ ...rt, region: caller.region }, lostGraceMs);
  }
  const slots = await claimDueSlots(
    rt.db,
    caller.region,
    { now: new Date(now), horizon: new Date(now) },
    max,
    [],
    caller.organizationId,
  );
  return slots.map((s) => ({ monitorId: s.monitor_id, slotAt: s.slot_at.getTime(), revision: s.revision }));
}

/** What a remote probe reports for one slot; region and organization come from its token. */
export type ProbeResultInput = Omit<CheckResult, "organizationId" | "region" | "manual"> & {
  region?: string;
};

type Refusal = { index: number; reason: string };

/**
 * Stores a remote probe's results through the evaluator (one result per (monitor, region, slot),
 * so a result sent twice is stored once). A result naming another region refuses the whole batch
 * (403): no honest agent sends one. A result for a slot this region's probes were not handed (a
 * monitor of another organization, a made-up slot, a slot already swept as lost) is refused alone.
 *
 * An `offline` result (protocol 2: checked by the probe on its own while it could not reach the
 * server) needs no claim, but must be for a monitor of the token's organization that is checked
 * from its region, on that monitor's slot grid (so the key (monitor, region, slot) is the one the
 * server would have handed out), and at most OFFLINE_MAX_AGE_MS old. It is stored with its real
 * times and is history only (`recordResults`): it never moves state, opens or resolves an
 * incident. One whose slot is still claimed and open is an ordinary result.
 */
export async function acceptProbeResults(
  rt: Runtime,
  caller: ProbeCaller,
  results: ProbeResultInput[],
): Promise<{ accepted: number; refused: Refusal[] }> {
  const foreign = results.findIndex((r) => r.region !== undefined && r.region !== caller.region);
  if (foreign >= 0) {
    throw new AppError("FORBIDDEN", `This probe token checks region ${caller.region} only`, {
      errors: [{ path: `body.results.${foreign}.region`, message: `must be ${caller.region}` }],
    });
  }
  if (results.length === 0) return { accepted: 0, refused: [] };
  const monitorIds = [...new Set(results.map((r) => r.monitorId))];
  const claimed = await rt.db
    .selectFrom("check_claims")
    .select(["monitor_id", "slot_at"])
    .where("organization_id", "=", caller.organizationId)
    .where("region", "=", caller.region)
    .where("monitor_id", "in", monitorIds)
    .execute();
  const open = new Set(claimed.map((c) => `${c.monitor_id}@${c.slot_at.getTime()}`));
  const grids = results.some((r) => r.offline)
    ? await slotGrids(rt, caller, monitorIds)
    : new Map<string, Grid>();
  const now = rt.clock.now();
  const refused: Refusal[] = [];
  let accepted = 0;
  for (const [index, r] of results.entries()) {
    const { region: _region, offline, ...rest } = r;
    const claim = open.has(`${r.monitorId}@${r.slotAt}`);
    if (!claim) {
      const why = offline
        ? offlineRefusal(grids.get(r.monitorId), r, now)
        : "no open claim of this region for this monitor and slot";
      if (why) {
        refused.push({ index, reason: why });
        continue;
      }
    }
    await rt.queue.enqueue("check.result", {
      ...rest,
      organizationId: caller.organizationId,
      region: caller.region,
      manual: false,
      ...(claim ? {} : { offline: true }),
    });
    accepted++;
  }
  return { accepted, refused };
}

type Grid = { intervalMs: number; offsetMs: number };

/** The slot grid of each of these monitors that the caller's region checks (active ones only). */
async function slotGrids(rt: Runtime, caller: ProbeCaller, monitorIds: string[]): Promise<Map<string, Grid>> {
  const rows = await rt.db
    .selectFrom("monitor_schedules")
    .select(["monitor_id", "interval_seconds", "offset_ms"])
    .where("organization_id", "=", caller.organizationId)
    .where("region", "=", caller.region)
    .where("active", "=", true)
    .where("monitor_id", "in", monitorIds)
    .execute();
  return new Map(
    rows.map((r) => [r.monitor_id, { intervalMs: r.interval_seconds * 1000, offsetMs: r.offset_ms }]),
  );
}

/** Why an offline result cannot be stored, or undefined when it can. */
function offlineRefusal(grid: Grid | undefined, r: ProbeResultInput, now: number): string | undefined {
  if (!grid) return "not a monitor this region checks (or it is paused)";
  if (latestSlotAtOrBefore(r.slotAt, grid.intervalMs, grid.offsetMs) !== r.slotAt) {
    return "not a slot of this monitor";
  }
  if (r.slotAt < now - OFFLINE_MAX_AGE_MS) return "offline result older than the offline limit";
  if (r.slotAt > now + OFFLINE_AHEAD_MS || r.startedAt > now + OFFLINE_AHEAD_MS) {
    return "offline result from the future";
  }
  if (r.startedAt < r.slotAt - OFFLINE_AHEAD_MS) return "started before its slot";
  return undefined;
}
