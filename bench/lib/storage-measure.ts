// bench:storage's measurements: relation sizes and the dashboard's history reads.
import { sql } from "kysely";
import { listResults, listRollups, uptimeSummary } from "../../src/services/checks/query.ts";
import type { Ctx } from "../../src/services/context.ts";
import { monitorSummaries } from "../../src/services/monitors/summaries.ts";

const DAY = 86_400_000;

export interface QueryTimes {
  [name: string]: number;
}

export async function relationBytes(ctx: Ctx, names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) {
    const row = await sql<{ n: string }>`SELECT pg_total_relation_size(${name}::regclass)::text AS n`.execute(
      ctx.db,
    );
    total += Number(row.rows[0]?.n ?? 0);
  }
  return total;
}

export async function countRows(ctx: Ctx, relation: string): Promise<number> {
  const row = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(relation)}`.execute(
    ctx.db,
  );
  return Number(row.rows[0]?.n ?? 0);
}

/** Median of `runs` timings of `fn`, in ms. */
async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** The dashboard's history reads of one monitor (the first), median of a few runs each. */
export async function measureQueries(ctx: Ctx, ids: string[], now: number): Promise<QueryTimes> {
  const monitorId = ids[0]!;
  return {
    "results page (latest 50)": await timeIt(7, () => listResults(ctx, monitorId, { limit: 50 })),
    "results page 15 days back": await timeIt(7, () =>
      listResults(ctx, monitorId, { limit: 50, cursor: new Date(now - 15 * DAY).toISOString() }),
    ),
    "failures only (status=down)": await timeIt(7, () =>
      listResults(ctx, monitorId, { limit: 50, status: "down" }),
    ),
    "24 h chart (raw, 2 pages of 1,000)": await timeIt(5, async () => {
      const from = new Date(now - DAY);
      const first = await listResults(ctx, monitorId, { from, limit: 1000 });
      if (first.nextCursor)
        await listResults(ctx, monitorId, { from, limit: 1000, cursor: first.nextCursor });
    }),
    "30-day chart (hourly rollups)": await timeIt(7, () =>
      listRollups(ctx, monitorId, "hour", new Date(now - 30 * DAY)),
    ),
    "90-day chart (daily rollups)": await timeIt(7, () =>
      listRollups(ctx, monitorId, "day", new Date(now - 90 * DAY)),
    ),
    "uptime figures (24h/7d/30d/90d)": await timeIt(7, () => uptimeSummary(ctx, monitorId)),
    [`monitor list summaries (${ids.length} monitors)`]: await timeIt(7, () => monitorSummaries(ctx, ids)),
  };
}
