import { createHash } from "node:crypto";
import type { CheckResult } from "../../domain/check-result.ts";
import { type CheckSpec, toCheckSpec } from "../../domain/monitor.ts";
import { AppError } from "../../lib/errors.ts";
import { findMonitorsByIds } from "../../storage/repos/monitors.repo.ts";
import { claimDueSlots } from "../../storage/repos/schedules.repo.ts";
import { sweepLostChecks } from "../checks/lost.ts";
import type { Runtime } from "../context.ts";
import { beatProbe, PRESENCE_EVERY_MS } from "../regions/presence.ts";
import type { ProbeCaller } from "./tokens.ts";

/** The remote-probe protocol's version; an agent names the one it speaks (docs/remote-probes.md). */
export const PROBE_PROTOCOL = 1;

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
): Promise<{ revision: string; monitors: Array<CheckSpec & { revision: number }> }> {
  const rows = await rt.db
    .selectFrom("monitor_schedules")
    .select("monitor_id")
    .where("organization_id", "=", caller.organizationId)
    .where("region", "=", caller.region)
    .where("active", "=", true)
    .orderBy("monitor_id")
    .execute();
  const found = await findMonitorsByIds(
    rt.db,
    rows.map((r) => r.monitor_id),
  );
  const monitors = found
    .filter(({ monitor }) => monitor.organizationId === caller.organizationId)
    .sort((a, b) => a.monitor.id.localeCompare(b.monitor.id))
    .map(({ monitor, revision }) => ({ ...toCheckSpec(monitor), revision }));
  const hash = createHash("sha256");
  for (const m of monitors) hash.update(`${m.monitorId}:${m.revision}\n`);
  return { revision: hash.digest("base64url").slice(0, 22), monitors };
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

/**
 * Stores a remote probe's results through the evaluator (one result per (monitor, region, slot),
 * so a result sent twice is stored once). A result naming another region refuses the whole batch
 * (403): no honest agent sends one. A result for a slot this region's probes were not handed (a
 * monitor of another organization, a made-up slot, a slot already swept as lost) is refused alone.
 */
export async function acceptProbeResults(
  rt: Runtime,
  caller: ProbeCaller,
  results: ProbeResultInput[],
): Promise<{ accepted: number; refused: Array<{ index: number; reason: string }> }> {
  const foreign = results.findIndex((r) => r.region !== undefined && r.region !== caller.region);
  if (foreign >= 0) {
    throw new AppError("FORBIDDEN", `This probe token checks region ${caller.region} only`, {
      errors: [{ path: `body.results.${foreign}.region`, message: `must be ${caller.region}` }],
    });
  }
  if (results.length === 0) return { accepted: 0, refused: [] };
  const claimed = await rt.db
    .selectFrom("check_claims")
    .select(["monitor_id", "slot_at"])
    .where("organization_id", "=", caller.organizationId)
    .where("region", "=", caller.region)
    .where(
      "monitor_id",
      "in",
      results.map((r) => r.monitorId),
    )
    .execute();
  const open = new Set(claimed.map((c) => `${c.monitor_id}@${c.slot_at.getTime()}`));
  const refused: Array<{ index: number; reason: string }> = [];
  let accepted = 0;
  for (const [index, r] of results.entries()) {
    if (!open.has(`${r.monitorId}@${r.slotAt}`)) {
      refused.push({ index, reason: "no open claim of this region for this monitor and slot" });
      continue;
    }
    const { region: _region, ...rest } = r;
    await rt.queue.enqueue("check.result", {
      ...rest,
      organizationId: caller.organizationId,
      region: caller.region,
      manual: false,
    });
    accepted++;
  }
  return { accepted, refused };
}
