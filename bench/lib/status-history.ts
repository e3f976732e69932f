// bench:status's history: 90 days of check results for every monitor on the page, recorded
// through the evaluator's own write path (recordResults: results, states, incidents) under a
// clock the bench sets, then summarised into rollups by the job that does it in production.
import type { CheckResult } from "../../src/domain/check-result.ts";
import type { Running } from "../../src/main.ts";
import { progress } from "./progress.ts";
import { rng } from "./storage-data.ts";

const DAY = 86_400_000;
const BATCH = 1_000;

/** A wall clock the bench can hold at a moment (while it writes history), then let run again. */
export class BenchClock {
  private fixed: number | undefined;
  now(): number {
    return this.fixed ?? Date.now();
  }
  hold(ms: number): void {
    this.fixed = ms;
  }
  release(): void {
    this.fixed = undefined;
  }
}

export interface HistoryDist {
  recordResults: typeof import("../../src/services/checks/record-results.ts").recordResults;
  refreshRollups: typeof import("../../src/services/checks/maintain.ts").refreshRollups;
}

export interface HistorySpec {
  days: number;
  intervalMinutes: number;
}

/**
 * Gives each monitor `days` days of results, one every `intervalMinutes`, ending now: mostly up,
 * a few degraded, and on about one day in sixteen an outage of one to eight checks (which opens
 * and resolves an incident through the state machine). The monitors are dated back first (their
 * creation bounds the bars; the storage layer, as history.db.test.ts does), so every bar has data.
 * Deterministic: the same seed gives the same page.
 */
export async function writeHistory(
  running: Running,
  clock: BenchClock,
  dist: HistoryDist,
  spec: HistorySpec,
): Promise<{ results: number; seconds: number }> {
  const started = performance.now();
  const db = running.rt.db;
  const now = Date.now();
  const from = Math.floor(now / DAY) * DAY - spec.days * DAY;
  await db
    .updateTable("monitors")
    .set({ created_at: new Date(from - DAY) })
    .execute();
  const monitors = await db.selectFrom("monitors").select(["id", "organization_id"]).orderBy("id").execute();
  const step = spec.intervalMinutes * 60_000;
  const perDay = Math.floor(DAY / step);
  const random = rng(90);
  // Outages planned per monitor and day: [first slot of the day, checks down].
  const outages = new Map<string, [number, number]>();
  for (const m of monitors)
    for (let day = from; day < now; day += DAY)
      if (random() < 1 / 16)
        outages.set(`${m.id}|${day}`, [Math.floor(random() * perDay), 1 + Math.floor(random() * 8)]);
  let buffer: CheckResult[] = [];
  let recorded = 0;
  const flush = async (at: number) => {
    if (buffer.length === 0) return;
    clock.hold(at);
    recorded += (await dist.recordResults(running.rt, buffer)).stored;
    buffer = [];
  };
  for (let slot = from; slot < now; slot += step) {
    const day = Math.floor(slot / DAY) * DAY;
    const index = Math.floor((slot - day) / step);
    for (const m of monitors) {
      const outage = outages.get(`${m.id}|${day}`);
      const down = outage !== undefined && index >= outage[0] && index < outage[0] + outage[1];
      const status = down ? "down" : random() < 0.01 ? "degraded" : "up";
      buffer.push({
        monitorId: m.id,
        organizationId: m.organization_id,
        region: "local",
        slotAt: slot,
        startedAt: slot + 20,
        manual: false,
        status,
        statusCode: down ? 503 : 200,
        timings: { total: 40 + Math.floor(random() * 200) },
        verdicts: [],
      });
    }
    if (buffer.length >= BATCH) await flush(slot + 60_000);
    if ((slot - from) % (10 * DAY) === 0 && slot > from)
      progress("history", `day ${(slot - from) / DAY} of ${spec.days}: ${recorded} results`);
  }
  await flush(now);
  clock.release();
  // The evaluator's rollup job, once, over everything (it runs every minute in production).
  await dist.refreshRollups(running.rt);
  return { results: recorded, seconds: (performance.now() - started) / 1000 };
}
