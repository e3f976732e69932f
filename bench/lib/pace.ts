// bench:checks --pace (issue 20): Upblit's whole CPU per 1,000 checks at 50 and 150 checks/s,
// beside the raw-socket floor loop (bench:floor's) released at the same pace in the same run.
import { measurePaced, type PacedLoop } from "./ceiling.ts";
import { loadAverage } from "./proc.ts";
import { progress } from "./progress.ts";
import { runScenario, type ScenarioResult } from "./scenario.ts";
import type { Target } from "./target.ts";

/** One pace: `monitors` at `intervalSeconds` make monitors / interval checks a second. */
export interface PaceSpec {
  monitors: number;
  intervalSeconds: number;
}

export interface PaceRow {
  spec: PaceSpec;
  round: number;
  upblitCpuPer1k: number;
  floor: PacedLoop;
  latenessP50: number | null;
  latenessP99: number | null;
  achievedPerSecond: number;
  slotsChecked: number;
  dueSlots: number;
  otherLoad: number;
  load: string;
  problems: number;
}

/** "1000@20,3000@20" → specs; the default is 50 and 150 checks/s. */
export function parsePaces(raw: string): PaceSpec[] {
  return raw.split(",").map((p) => {
    const m = /^\s*(\d+)@(\d+)\s*$/.exec(p);
    if (!m) throw new Error(`--pace takes MONITORS@INTERVAL_S[,…], got ${p}`);
    return { monitors: Number(m[1]), intervalSeconds: Number(m[2]) };
  });
}

/** The floor's loop runs this long at each pace, after its own 5 s warm-up. */
const FLOOR_MS = 20_000;

export async function runPace(
  paces: PaceSpec[],
  rounds: number,
  target: Target,
  opts: {
    durationS: number;
    warmupS: number | undefined;
    probeConcurrency: number;
    createConcurrency: number;
    nodeArgs: (label: string) => string[] | undefined;
  },
): Promise<PaceRow[]> {
  const rows: PaceRow[] = [];
  // Rounds outermost: the two measurements of one pace are minutes apart, so a burst of other
  // load on the shared machine shows as spread instead of hiding in one pair.
  for (let round = 1; round <= rounds; round++) {
    for (const spec of paces) {
      const rate = spec.monitors / spec.intervalSeconds;
      const label = `pace ${rate.toFixed(0)}/s #${round}`;
      const load = loadAverage();
      const result: ScenarioResult = await runScenario(
        {
          label,
          monitors: spec.monitors,
          intervalSeconds: spec.intervalSeconds,
          timeoutMs: Math.min(10_000, spec.intervalSeconds * 500),
          durationS: opts.durationS,
          // One interval: every monitor's first check (a transition) falls before the window.
          warmupS: opts.warmupS ?? spec.intervalSeconds + 5,
          probeConcurrency: opts.probeConcurrency,
          createConcurrency: opts.createConcurrency,
          env: { MIN_INTERVAL_SECONDS: String(Math.min(10, spec.intervalSeconds)) },
          nodeArgs: opts.nodeArgs(`pace-${rate.toFixed(0)}-${round}`),
        },
        target,
      );
      result.removeData();
      const floor = await measurePaced(target, rate, FLOOR_MS, "raw socket");
      if (floor.errors > 0) throw new Error(`raw socket floor at ${rate}/s: ${floor.errors} failed requests`);
      const started = result.stats.started;
      const row: PaceRow = {
        spec,
        round,
        upblitCpuPer1k: started > 0 ? (result.cpuSeconds / started) * 1000 : Number.NaN,
        floor,
        latenessP50: result.stats.latenessP50,
        latenessP99: result.stats.latenessP99,
        achievedPerSecond: started / result.window.seconds,
        slotsChecked: result.stats.slotsChecked,
        dueSlots: result.stats.dueSlots,
        otherLoad: result.otherLoad,
        load: `${load} → ${loadAverage()}`,
        problems: result.problemCount,
      };
      rows.push(row);
      progress(
        label,
        `upblit ${row.upblitCpuPer1k.toFixed(3)} CPU-s / 1k, raw socket ${floor.clientCpuSecondsPer1k.toFixed(3)} ` +
          `(${(row.upblitCpuPer1k / floor.clientCpuSecondsPer1k).toFixed(2)}×), lateness p99 ${row.latenessP99 ?? "–"} ms`,
      );
    }
  }
  return rows;
}

const n = (v: number | null, digits = 0) => (v === null || !Number.isFinite(v) ? "–" : v.toFixed(digits));

/** The Markdown table: one row per measurement, then each pace's spread of the ratio. */
export function renderPace(rows: PaceRow[], durationS: number): string {
  const lines = [
    `Each row: a fresh DATA_DIR, the monitors created through the API, one interval + 5 s of warm-up, then ${durationS} s measured;`,
    "right after, the raw-socket loop of bench:floor at the same pace for 20 s (after 5 s of warm-up) against the same target.",
    "CPU is user + system of the whole process (all threads) from /proc; the ratio is read within a row.",
    "",
    "| checks/s | monitors × interval | round | Upblit CPU-s / 1k | raw socket CPU-s / 1k | ratio | lateness p50 / p99 ms | achieved/s | slots checked / due | others' CPU | load (1/5/15 min, before → after) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const rate = r.spec.monitors / r.spec.intervalSeconds;
    lines.push(
      `| ${rate.toFixed(0)} | ${r.spec.monitors} × ${r.spec.intervalSeconds} s | ${r.round} | ${n(r.upblitCpuPer1k, 3)} | ` +
        `${n(r.floor.clientCpuSecondsPer1k, 3)} | **${n(r.upblitCpuPer1k / r.floor.clientCpuSecondsPer1k, 2)}×** | ` +
        `${n(r.latenessP50)} / ${n(r.latenessP99)} | ${n(r.achievedPerSecond, 1)} | ${r.slotsChecked} / ${r.dueSlots} | ` +
        `${(r.otherLoad * 100).toFixed(0)}% | ${r.load} |`,
    );
  }
  const byRate = new Map<number, number[]>();
  for (const r of rows) {
    const rate = r.spec.monitors / r.spec.intervalSeconds;
    byRate.set(rate, [...(byRate.get(rate) ?? []), r.upblitCpuPer1k / r.floor.clientCpuSecondsPer1k]);
  }
  lines.push("");
  for (const [rate, ratios] of byRate) {
    lines.push(
      `- ${rate.toFixed(0)} checks/s: ratio ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}× over ${ratios.length} run(s) (target ≤ 1.0×, p99 lateness < 250 ms)`,
    );
  }
  const problems = rows.reduce((a, r) => a + r.problems, 0);
  if (problems) lines.push(`- ${problems} warn/error log line(s) from Upblit during the runs`);
  return `${lines.join("\n")}\n`;
}
