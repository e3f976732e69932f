import type { Ceiling } from "./ceiling.ts";
import type { RestartResult } from "./restart.ts";
import type { ScenarioResult } from "./scenario.ts";

/** Where a benchmark ran: quoted with every figure, since the machine is noisy. */
export interface BenchMachine {
  nproc: number;
  cpuModel: string;
  node: string;
  memGb: number;
  loadBefore: string;
  loadAfter: string;
}

export interface BenchRun {
  command: string;
  date: string;
  code: string;
  machine: BenchMachine;
  probeConcurrency: number;
  ceiling: Ceiling;
  sizes: ScenarioResult[];
  restart: RestartResult | undefined;
  saturated: ScenarioResult | undefined;
  /** The ceiling measured again right before the saturated run, which is compared with it. */
  saturatedCeiling: Ceiling | undefined;
  /** Measured right after the saturated run; its rate is read against the mean of both. */
  saturatedCeilingAfter?: Ceiling | undefined;
  failures: string[];
}

const f = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? "–"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function achieved(r: ScenarioResult) {
  return r.stats.started / r.window.seconds;
}

function cpuPer1k(r: ScenarioResult) {
  return r.stats.started > 0 ? (r.cpuSeconds / r.stats.started) * 1000 : Number.NaN;
}

function storedOfStarted(r: { store: { results: number }; targetRequests: number }) {
  return `${f(r.store.results)} / ${f(r.targetRequests)}`;
}

export interface Verdict {
  target: string;
  measured: string;
  ok: boolean | undefined;
}

/** The issue's targets, each judged against this run (undefined: not measured in this run). */
export function verdicts(run: BenchRun): Verdict[] {
  const largest = run.sizes.at(-1);
  const at10k = largest && largest.spec.monitors >= 10_000 ? largest : undefined;
  const out: Verdict[] = [];
  const add = (target: string, measured: string, ok: boolean | undefined) =>
    out.push({ target, measured, ok });
  add(
    "10,000 monitors at 60 s: p99 lateness < 1 s",
    at10k ? `${f(at10k.stats.latenessP99)} ms` : "not run",
    at10k ? (at10k.stats.latenessP99 ?? Infinity) < 1_000 : undefined,
  );
  const worstCpu = Math.max(...run.sizes.map(cpuPer1k));
  const pacedAtWorst = run.sizes.find((r) => cpuPer1k(r) === worstCpu)?.paced;
  add(
    "≤ 0.5 CPU-s per 1,000 checks (every size)",
    `worst ${f(worstCpu, 2)} s` +
      (pacedAtWorst ? ` (the bare loop at that pace: ${f(pacedAtWorst.clientCpuSecondsPer1k, 2)} s)` : ""),
    run.sizes.length ? worstCpu <= 0.5 : undefined,
  );
  const sat = run.saturated;
  const satRatio = sat ? achieved(sat) / saturatedCeilingRate(run) : 0;
  add(
    "Saturated: ≥ 0.5 × bare loop, every result stored",
    sat ? `${f(satRatio, 2)} × ceiling, stored ${storedOfStarted(sat)}` : "not run",
    sat ? satRatio >= 0.5 && sat.store.results >= sat.targetRequests : undefined,
  );
  add(
    "< 400 MB RSS at 10,000 monitors",
    at10k ? `${f(at10k.peakRssMb)} MB` : "not run",
    at10k ? at10k.peakRssMb < 400 : undefined,
  );
  add(
    "Create 10,000 monitors through the API in < 30 s",
    at10k ? `${f(at10k.creation.seconds, 1)} s` : "not run",
    at10k ? at10k.creation.seconds < 30 && at10k.creation.failed === 0 : undefined,
  );
  const rs = run.restart;
  add(
    "All 10,000 scheduled within 10 s of a restart",
    rs ? `${f(rs.spawnToScheduledMs / 1000, 1)} s (${f(rs.monitors)} monitors)` : "not run",
    rs && rs.monitors >= 10_000 ? rs.spawnToScheduledMs < 10_000 : undefined,
  );
  add(
    "No burst after restart (first 5 s ≈ N×5/60, not N)",
    rs ? `${f(rs.first5s)} checks vs ${f(rs.expected5s)} expected` : "not run",
    rs ? rs.first5s <= rs.expected5s * 2 : undefined,
  );
  add(
    "Every result stored",
    [...run.sizes, ...(sat ? [sat] : [])].map(storedOfStarted).join("; "),
    [...run.sizes, ...(sat ? [sat] : [])].every((r) => r.store.results >= r.targetRequests),
  );
  return out;
}

/** The results as Markdown: the same text goes to stdout and into docs/benchmarks.md. */
export function renderRun(run: BenchRun): string {
  const c = run.ceiling;
  const m = run.machine;
  const parts: string[] = [];
  parts.push(
    `Command: \`${run.command}\`  \nDate: ${run.date}  \nCode: ${run.code}  \n` +
      `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memGb} GB, Node ${m.node}; load average ${m.loadBefore} before, ${m.loadAfter} after  \n` +
      `PROBE_CONCURRENCY=${run.probeConcurrency}, PROBE_THREADS=${process.env.PROBE_THREADS ?? "0 (the default)"}, embedded PGlite on disk in a fresh temp DATA_DIR per run, Upblit as a child process (\`node dist/cli/main.js start\`).`,
  );
  parts.push(
    `**Ceiling** (bare loop, fresh connection per GET, ${c.concurrency} at a time, ${f(c.seconds, 1)} s): ` +
      `**${f(c.perSecond)} requests/s**, ${f(c.errors)} errors; the loop's own CPU ${f(c.clientCpuSecondsPer1k, 3)} s and the target's ${f(c.targetCpuSecondsPer1k, 3)} s per 1,000 requests.`,
  );
  if (run.sizes.length) {
    parts.push(
      "**Steady load** (http monitors at 60 s):\n\n" +
        table(
          [
            "monitors",
            "due/s",
            "achieved/s",
            "÷ due",
            "÷ ceiling",
            "slots checked",
            "lateness p50 / p99 / max ms",
            "CPU s / 1k checks",
            "÷ bare loop",
            "bare loop at this pace: CPU s / 1k",
            "÷ paced bare loop",
            "peak RSS MB",
            "bytes/check (table; heap only)",
            "bytes/check (disk)",
            "stored / started",
            "others' CPU",
          ],
          run.sizes.map((r) => [
            f(r.spec.monitors),
            f(r.stats.dueSlots / r.window.seconds, 1),
            f(achieved(r), 1),
            f(r.stats.started / Math.max(1, r.stats.dueSlots), 3),
            f(achieved(r) / c.perSecond, 3),
            `${f(r.stats.slotsChecked)} / ${f(r.stats.dueSlots)}`,
            `${f(r.stats.latenessP50)} / ${f(r.stats.latenessP99)} / ${f(r.stats.latenessMax)}`,
            f(cpuPer1k(r), 3),
            `${f(cpuPer1k(r) / c.clientCpuSecondsPer1k, 1)}×`,
            r.paced ? f(r.paced.clientCpuSecondsPer1k, 3) : "–",
            r.paced ? `${f(cpuPer1k(r) / r.paced.clientCpuSecondsPer1k, 2)}×` : "–",
            `${f(r.peakRssMb)} (window ${f(r.windowPeakRssMb)})`,
            `${f(r.store.tableBytes / Math.max(1, r.store.results))}; ${f(r.store.heapBytes / Math.max(1, r.store.results))}`,
            f(r.diskBytesDelta / Math.max(1, r.stats.started)),
            storedOfStarted(r),
            pct(r.otherLoad),
          ]),
        ),
    );
    const first = run.sizes[0];
    if (first) {
      parts.push(
        `First start on an empty DATA_DIR (\`upblit migrate\`, PGlite initdb, its own process, before each run): ` +
          `${f(first.initdb.ms / 1000, 1)} s, peak RSS ${f(first.initdb.peakRssMb)} MB. ` +
          "The runs above start on the migrated folder, as every start but the first does.",
      );
    }
    parts.push(
      "**Creating monitors through the API** (POST /api/v1/monitors, " +
        `${run.sizes[0]?.spec.createConcurrency ?? 16} in flight, checks running meanwhile):\n\n` +
        table(
          ["monitors", "seconds", "monitors/s", "÷ ceiling req/s", "failed"],
          run.sizes.map((r) => [
            f(r.spec.monitors),
            f(r.creation.seconds, 1),
            f(r.creation.perSecond),
            f(r.creation.perSecond / c.perSecond, 3),
            f(r.creation.failed),
          ]),
        ),
    );
  }
  const rs = run.restart;
  if (rs) {
    parts.push(
      `**Restart** (SIGTERM, down ${f(rs.downSeconds, 1)} s, start again on the same DATA_DIR):\n\n` +
        table(
          [
            "monitors",
            "spawn → /readyz 200",
            "spawn → scheduled",
            "missed slots skipped",
            "checks in first 5 s",
            "expected (N×5/60)",
            "÷ expected",
            "expected with the 2 s resume grace (N×7/60)",
            "overdue at stop",
            "stored / started",
          ],
          [
            [
              f(rs.monitors),
              `${f(rs.spawnToReadyMs)} ms`,
              `${f(rs.spawnToScheduledMs)} ms`,
              f(rs.skippedSlots),
              f(rs.first5s),
              f(rs.expected5s),
              f(rs.first5s / rs.expected5s, 2),
              f(rs.expectedWithGrace),
              f(rs.overdueAtStop),
              `${f(rs.everyResultStored.stored)} / ${f(rs.everyResultStored.started)}`,
            ],
          ],
        ),
    );
  }
  const s = run.saturated;
  if (s) {
    const up = s.stats.byStatus.up ?? 0;
    const sc = run.saturatedCeiling ?? c;
    const after = run.saturatedCeilingAfter;
    const rate = saturatedCeilingRate(run);
    const measured = after
      ? `ceiling measured again just before and just after: ${f(sc.perSecond)} and ${f(after.perSecond)} requests/s, read against their mean ${f(rate)}`
      : `ceiling measured again just before: ${f(sc.perSecond)} requests/s`;
    parts.push(
      `**Saturated** (${f(s.spec.monitors)} monitors at ${s.spec.intervalSeconds} s, timeout ${s.spec.timeoutMs} ms, ` +
        `created with only the API role running; ${measured}; ` +
        `${s.stats.dueSlots / s.window.seconds > rate ? "due faster than that" : "NOT saturated: due below it"}):\n\n` +
        table(
          [
            "due/s",
            "achieved/s",
            "÷ ceiling",
            "Upblit CPU (share of one core)",
            "up",
            "lateness p50 / p99 ms",
            "CPU s / 1k checks",
            "peak RSS MB",
            "stored / started",
            "others' CPU",
          ],
          [
            [
              f(s.stats.dueSlots / s.window.seconds),
              f(achieved(s)),
              f(achieved(s) / rate, 3),
              pct(s.cpuSeconds / s.window.seconds),
              pct(up / Math.max(1, s.stats.slotsChecked)),
              `${f(s.stats.latenessP50)} / ${f(s.stats.latenessP99)}`,
              f(cpuPer1k(s), 3),
              f(s.peakRssMb),
              storedOfStarted(s),
              pct(s.otherLoad),
            ],
          ],
        ),
    );
  }
  parts.push(
    "**Targets** (issue 2):\n\n" +
      table(
        ["target", "measured", "met"],
        verdicts(run).map((v) => [v.target, v.measured, v.ok === undefined ? "–" : v.ok ? "yes" : "**no**"]),
      ),
  );
  const notes = [...run.failures];
  for (const r of [...run.sizes, ...(s ? [s] : [])]) {
    if (r.problemCount)
      notes.push(`${r.spec.label}: ${r.problemCount} warn/error log lines, e.g. ${r.problems[0]}`);
    if (r.exit !== "0")
      notes.push(`${r.spec.label}: upblit exited with ${r.exit} after SIGTERM (${r.stopMs} ms)`);
  }
  if (notes.length) parts.push(`Notes:\n\n${notes.map((n) => `- ${n}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}

/** The ceiling the saturated rate is read against: the mean of the runs just before and after it. */
function saturatedCeilingRate(run: BenchRun): number {
  const before = (run.saturatedCeiling ?? run.ceiling).perSecond;
  const after = run.saturatedCeilingAfter?.perSecond;
  return after === undefined ? before : (before + after) / 2;
}
