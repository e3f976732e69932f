import { getRollupWatermark } from "../../storage/repos/rollups.repo.ts";
import {
  rawCounts,
  recentSlots,
  rollupCounts,
  type WindowCounts,
} from "../../storage/repos/summaries.repo.ts";
import type { Ctx } from "../context.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Slots in a row's heartbeat bar and sparkline. */
export const RECENT_SLOTS = 30;

export interface MonitorSummary {
  monitorId: string;
  /** The last checks, oldest first: the worst status of the slot's regions, and its latency. */
  recent: Array<{ at: Date; status: string; totalMs: number | null }>;
  /** (up + degraded) / judged checks; null without judged checks. */
  uptime24h: number | null;
  uptime30d: number | null;
}

/**
 * What a row of the monitors list shows besides the monitor: its last checks and its uptime over
 * 24 h and 30 d, for a whole page of monitors at once. A fixed number of set-based statements
 * however many ids (the last slots, the hourly and daily rollups, the raw tail the rollups do not
 * cover yet), with the windows computed as `GET /monitors/{id}/uptime` computes them. Ids of other
 * organizations or of no monitor are left out of the answer.
 */
export async function monitorSummaries(ctx: Ctx, ids: string[]): Promise<MonitorSummary[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const now = ctx.clock.now();
  const from24 = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
  const from30 = Math.floor(now / DAY) * DAY - 29 * DAY;
  const until = (await getRollupWatermark(ctx.db))?.getTime() ?? Number.NEGATIVE_INFINITY;
  const org = ctx.organizationId;
  const tail24 = Math.max(from24, until);
  const tail30 = Math.max(from30, until);
  const [slots, hourly, daily, raw24, raw30] = await Promise.all([
    recentSlots(ctx.db, org, unique, RECENT_SLOTS),
    until > from24
      ? rollupCounts(ctx.db, "hourly_rollup_history", org, unique, new Date(from24), new Date(until))
      : [],
    until > from30
      ? rollupCounts(ctx.db, "daily_rollup_history", org, unique, new Date(from30), new Date(until))
      : [],
    rawCounts(ctx.db, org, unique, new Date(tail24)),
    // Usually both tails start at the watermark: one read serves both windows.
    tail30 === tail24 ? undefined : rawCounts(ctx.db, org, unique, new Date(tail30)),
  ]);
  const recent = new Map<string, MonitorSummary["recent"]>();
  for (const s of slots) {
    let list = recent.get(s.monitor_id);
    if (!list) {
      list = [];
      recent.set(s.monitor_id, list);
    }
    list.unshift({
      at: new Date(s.slot_at),
      status: s.status,
      totalMs: s.total_ms === null ? null : Number(s.total_ms),
    });
  }
  // Monitors without any result yet still get a row (empty bar, no uptime) when they are ours.
  const ours = await ownIds(ctx, unique);
  return unique
    .filter((id) => ours.has(id))
    .map((id) => ({
      monitorId: id,
      recent: recent.get(id) ?? [],
      uptime24h: ratio(byId(hourly).get(id), byId(raw24).get(id)),
      uptime30d: ratio(byId(daily).get(id), byId(raw30 ?? raw24).get(id)),
    }));
}

async function ownIds(ctx: Ctx, ids: string[]): Promise<Set<string>> {
  const rows = await ctx.db
    .selectFrom("monitors")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "in", ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

const indexes = new WeakMap<WindowCounts[], Map<string, WindowCounts>>();

function byId(counts: WindowCounts[]): Map<string, WindowCounts> {
  let index = indexes.get(counts);
  if (!index) {
    index = new Map(counts.map((c) => [c.monitor_id, c]));
    indexes.set(counts, index);
  }
  return index;
}

function ratio(...parts: Array<WindowCounts | undefined>): number | null {
  let good = 0;
  let judged = 0;
  for (const c of parts) {
    if (!c) continue;
    good += c.up + c.degraded;
    judged += c.up + c.degraded + c.down;
  }
  return judged === 0 ? null : good / judged;
}
