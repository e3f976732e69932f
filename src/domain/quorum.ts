import type { ResultStatus } from "./check-result.ts";

/**
 * Several regions, one verdict per slot (docs/regions.md). A monitor checked from `n` regions is
 * `down` in a slot when at least `k` of them saw it down, `degraded` when at least `k` saw it
 * degraded or worse; otherwise `up` when a region saw it answer, `unknown` when none did. A region
 * whose probes are all silent counts as `unknown`: it never adds to down.
 */

/** What one region saw in one slot; `pending` while it may still report. */
export type RegionSeen = ResultStatus | "pending";

/** The regions that must agree: the monitor's own quorum, else a majority; always within 1..n. */
export function quorumOf(regions: number, quorum: number | null | undefined): number {
  if (regions <= 1) return 1;
  const k = quorum ?? Math.floor(regions / 2) + 1;
  return Math.min(Math.max(k, 1), regions);
}

/**
 * The slot's verdict, or undefined while the regions still to report could change it. Decided as
 * soon as it is certain: `k` downs are down whatever the rest say.
 */
export function slotVerdict(seen: readonly RegionSeen[], k: number): ResultStatus | undefined {
  let down = 0;
  let degraded = 0;
  let up = 0;
  let pending = 0;
  for (const s of seen) {
    if (s === "down") down++;
    else if (s === "degraded") degraded++;
    else if (s === "up") up++;
    else if (s === "pending") pending++;
  }
  if (down >= k) return "down";
  if (down + pending >= k) return undefined;
  if (down + degraded >= k) return "degraded";
  if (down + degraded + pending >= k) return undefined;
  if (pending > 0 && up + degraded === 0) return undefined;
  // Below the quorum, failures alone say nothing: `up` needs a region that saw it answer.
  return up + degraded > 0 ? "up" : "unknown";
}

/** The slots of a monitor not yet decided: slot time (ms, as a string key) → region → what it saw. */
export interface OpenSlots {
  [slotAt: string]: { seen: Record<string, ResultStatus>; reason: string | null; at: number };
}

/** A decided slot: its verdict, what each region saw (silent or late ones as `unknown`), and why. */
export interface SlotDecision {
  slotAt: number;
  verdict: ResultStatus;
  regions: Record<string, ResultStatus>;
  reason: string | null;
  /** When its deciding result started (the transition's time). */
  at: number;
}

/**
 * Decides every open slot that can be decided, oldest first. A slot with a later slot open is
 * final: its regions that have not reported count as `unknown` (their check was lost or late).
 * Returns the decisions and the slots still open (at most the newest one).
 */
export function decideSlots(
  open: OpenSlots,
  regions: readonly string[],
  k: number,
  silent: ReadonlySet<string>,
): { decided: SlotDecision[]; open: OpenSlots } {
  const slots = Object.keys(open)
    .map(Number)
    .sort((a, b) => a - b);
  const decided: SlotDecision[] = [];
  const left: OpenSlots = {};
  slots.forEach((slotAt, i) => {
    const slot = open[String(slotAt)]!;
    const final = i < slots.length - 1;
    const view: Record<string, RegionSeen> = {};
    for (const region of regions) {
      view[region] = slot.seen[region] ?? (final || silent.has(region) ? "unknown" : "pending");
    }
    const verdict = slotVerdict(Object.values(view), k);
    if (verdict === undefined) {
      left[String(slotAt)] = slot;
      return;
    }
    const shown = Object.fromEntries(
      Object.entries(view).map(([r, s]) => [r, s === "pending" ? "unknown" : s]),
    ) as Record<string, ResultStatus>;
    decided.push({ slotAt, verdict, regions: shown, reason: slot.reason, at: slot.at });
  });
  return { decided, open: left };
}
