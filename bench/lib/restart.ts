import { StatsDb } from "./db-stats.ts";
import { progress, sleep } from "./progress.ts";
import type { ScenarioResult } from "./scenario.ts";
import type { Target } from "./target.ts";
import { spawnUpblit } from "./upblit-child.ts";

export interface RestartResult {
  monitors: number;
  /** Down time between the SIGTERM-ed run and this start, in s (slots missed meanwhile are skipped). */
  downSeconds: number;
  spawnToReadyMs: number;
  spawnToScheduledMs: number;
  skippedSlots: number;
  /** Checks started in the first 5 s after the scheduler started, and what a steady rate gives. */
  first5s: number;
  expected5s: number;
  /** The same plus the slots Upblit runs at once because they were at most RESUME_GRACE_MS overdue. */
  expectedWithGrace: number;
  /** Schedules left more than 2 s overdue when the process stopped (should be 0). */
  overdueAtStop: number;
  everyResultStored: { stored: number; started: number };
}

const SCHEDULER_STARTED = "scheduler started; missed slots skipped";
const BURST_WINDOW_MS = 5_000;
/** RESUME_GRACE_MS in src/main.ts: slots overdue by less than this at start still run. */
const RESUME_GRACE_MS = 2_000;

/**
 * Starts Upblit again on the data folder a scenario left behind and times spawn → /readyz 200 and
 * spawn → the scheduler's "started" line (resume done: every schedule at a future slot). Then
 * counts the checks of the first 5 s, which must be about N×5/interval, not N.
 */
export async function runRestart(
  prev: ScenarioResult,
  target: Target,
  stoppedAt: number,
): Promise<RestartResult> {
  const label = "restart";
  const n = prev.store.monitors;
  const resultsBefore = prev.store.results;
  await target.reset();
  progress(label, `starting upblit again on ${n} monitors (LOG_LEVEL=info)`);
  const child = await spawnUpblit({
    env: {
      DATA_DIR: prev.dataDir,
      LOG_LEVEL: "info",
      PROBE_CONCURRENCY: String(prev.spec.probeConcurrency),
      SHUTDOWN_TIMEOUT_SECONDS: "10",
      ...prev.spec.env,
    },
    nodeArgs: prev.spec.nodeArgs,
  });
  const downSeconds = (child.spawnedAt - stoppedAt) / 1000;
  const [readyAt, started] = await Promise.all([
    child.waitReady(60_000),
    child.waitForLog(SCHEDULER_STARTED, 60_000),
  ]);
  const skippedSlots = Number(started.skipped ?? 0);
  progress(
    label,
    `ready ${readyAt - child.spawnedAt} ms, scheduled ${started.time - child.spawnedAt} ms after spawn ` +
      `(${skippedSlots} missed slots skipped); watching the first ${BURST_WINDOW_MS / 1000} s`,
  );
  // Bounded: wait out the burst window plus a second for the last of its checks to finish.
  const until = started.time + BURST_WINDOW_MS + 1_000;
  while (Date.now() < until) {
    await sleep(Math.min(1_000, until - Date.now()));
    progress(
      label,
      `${((Date.now() - started.time) / 1000).toFixed(0)} s after start: ${await target.count()} checks`,
    );
  }
  const stopAt = Date.now();
  const end = await child.stop(30_000);
  const started5 = await target.count();
  progress(label, `stopped in ${end.ms} ms; reading the database`);
  const db = await StatsDb.open(prev.dataDir);
  try {
    const store = await db.store();
    return {
      monitors: n,
      downSeconds,
      spawnToReadyMs: readyAt - child.spawnedAt,
      spawnToScheduledMs: started.time - child.spawnedAt,
      skippedSlots,
      first5s: await db.startedBetween(started.time, started.time + BURST_WINDOW_MS),
      expected5s: (n * BURST_WINDOW_MS) / 1000 / prev.spec.intervalSeconds,
      expectedWithGrace: (n * (BURST_WINDOW_MS + RESUME_GRACE_MS)) / 1000 / prev.spec.intervalSeconds,
      overdueAtStop: await db.overdueSchedules(stopAt, 2_000),
      everyResultStored: { stored: store.results - resultsBefore, started: started5 },
    };
  } finally {
    await db.close();
  }
}
