import { decodeVerdicts, listResultRows } from "../../storage/repos/results.repo.ts";
import {
  getRollupWatermark,
  listRollupRows,
  sumRawResults,
  sumRollups,
  type UptimeCounts,
} from "../../storage/repos/rollups.repo.ts";
import type { Ctx } from "../context.ts";
import { requireMonitor } from "../monitors/query.ts";
import { toPage } from "../page.ts";
import { withScreenshots } from "./screenshots.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;

export async function listResults(
  ctx: Ctx,
  monitorId: string,
  q: { from?: Date; to?: Date; cursor?: string; status?: string; limit: number },
) {
  await requireMonitor(ctx, monitorId);
  const before = q.cursor ? new Date(q.cursor) : undefined;
  const raw = await listResultRows(ctx.db, ctx.organizationId, monitorId, { ...q, before }, q.limit);
  const rows = await withScreenshots(ctx, monitorId, raw);
  return toPage(
    rows,
    q.limit,
    (r) => ({ ...r, verdicts: decodeVerdicts(r.verdicts) }),
    (r) => r.slot_at.toISOString(),
  );
}

export interface UptimeWindow extends UptimeCounts {
  window: "24h" | "7d" | "30d" | "90d";
  /** (up + degraded) / (up + degraded + down); null when there were no judged checks. */
  uptime: number | null;
}

/**
 * Uptime over 24 h (hourly rollups) and 7/30/90 days (daily rollups, whole UTC days), plus the
 * raw results not yet summarised.
 */
export async function uptimeSummary(ctx: Ctx, monitorId: string): Promise<UptimeWindow[]> {
  await requireMonitor(ctx, monitorId);
  const now = ctx.clock.now();
  const hourStart = Math.floor(now / HOUR) * HOUR;
  const dayStart = Math.floor(now / DAY) * DAY;
  const windows = [
    { window: "24h", table: "hourly_rollup_history", from: hourStart - 23 * HOUR },
    { window: "7d", table: "daily_rollup_history", from: dayStart - 6 * DAY },
    { window: "30d", table: "daily_rollup_history", from: dayStart - 29 * DAY },
    { window: "90d", table: "daily_rollup_history", from: dayStart - 89 * DAY },
  ] as const;
  // Hours before the watermark come from rollups, the rest from raw results (at most ~1 h). The
  // raw tail usually starts at the watermark for every window, so each distinct start is read once.
  const until = (await getRollupWatermark(ctx.db))?.getTime() ?? Number.NEGATIVE_INFINITY;
  const rawTails = new Map<number, Promise<UptimeCounts>>();
  const rawSince = (from: number) => {
    let tail = rawTails.get(from);
    if (!tail) {
      tail = sumRawResults(ctx.db, monitorId, new Date(from));
      rawTails.set(from, tail);
    }
    return tail;
  };
  return Promise.all(
    windows.map(async (w) => {
      const summed =
        until > w.from
          ? await sumRollups(ctx.db, w.table, monitorId, new Date(w.from), new Date(until))
          : { checks: 0, up: 0, degraded: 0, down: 0 };
      const raw = await rawSince(Math.max(w.from, until));
      const c = {
        checks: summed.checks + raw.checks,
        up: summed.up + raw.up,
        degraded: summed.degraded + raw.degraded,
        down: summed.down + raw.down,
      };
      const judged = c.up + c.degraded + c.down;
      return { window: w.window, ...c, uptime: judged === 0 ? null : (c.up + c.degraded) / judged };
    }),
  );
}

export async function listRollups(ctx: Ctx, monitorId: string, granularity: "hour" | "day", from: Date) {
  await requireMonitor(ctx, monitorId);
  return listRollupRows(
    ctx.db,
    granularity === "hour" ? "hourly_rollup_history" : "daily_rollup_history",
    monitorId,
    from,
  );
}
