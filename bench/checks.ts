// Upblit's check benchmark (issue 2, "Benchmark"): see docs/benchmarks.md for what each figure
// means. Progress goes to stderr, the summary (Markdown) to stdout and to docs/benchmarks.md.
import path from "node:path";
import { parseBenchArgs } from "./lib/args.ts";
import { type Ceiling, measureCeiling, measurePaced } from "./lib/ceiling.ts";
import { installCleanupHandlers, runCleanup } from "./lib/cleanup.ts";
import { DOCS_FILE, runStamp, writeDocs, writeDocsSection } from "./lib/docs.ts";
import { parsePaces, renderPace, runPace } from "./lib/pace.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { summarizeProfileDir } from "./lib/profile-summary.ts";
import { progress } from "./lib/progress.ts";
import { type BenchRun, renderRun, verdicts } from "./lib/report.ts";
import { type RestartResult, runRestart } from "./lib/restart.ts";
import { runScenario, type ScenarioResult, type ScenarioSpec } from "./lib/scenario.ts";
import { startTarget } from "./lib/target.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

/** How long the paced bare loop runs after each steady size. */
const PACED_MS = 20_000;

const args = parseBenchArgs(process.argv.slice(2));
installCleanupHandlers();

function profileArgs(label: string): string[] | undefined {
  if (!args.profileDir) return undefined;
  return ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args.profileDir, label)}`];
}

async function main(): Promise<BenchRun> {
  const machine = machineInfo();
  const code = codeVersion(REPO_ROOT);
  const loadBefore = loadAverage();
  progress(
    "setup",
    `${machine.nproc} CPUs, node ${machine.node}, load ${loadBefore}; sizes ${args.sizes.join(",")}, ` +
      `${args.durationS} s each, phases ${[...args.phases].join(",")}`,
  );
  const target = await startTarget();
  progress("setup", `target ${target.origin} (pid ${target.pid})`);

  const ceiling = await measureCeiling(target, args.probeConcurrency, args.ceilingS * 1000);
  progress("ceiling", `${ceiling.perSecond.toFixed(0)} requests/s at concurrency ${ceiling.concurrency}`);

  const failures: string[] = [];
  const sizes: ScenarioResult[] = [];
  let restart: RestartResult | undefined;
  if (args.phases.has("sizes")) {
    for (const [i, n] of args.sizes.entries()) {
      const label = `N=${n}`;
      const result = await runScenario(
        {
          label,
          monitors: n,
          intervalSeconds: 60,
          timeoutMs: 10_000,
          durationS: args.durationS,
          // The first check of each monitor is a transition (pending → up); the window measures the checks after it.
          warmupS: args.warmupS ?? 60,
          probeConcurrency: args.probeConcurrency,
          createConcurrency: args.createConcurrency,
          nodeArgs: profileArgs(label),
        },
        target,
      );
      sizes.push(result);
      const last = i === args.sizes.length - 1;
      if (last && args.phases.has("restart")) {
        try {
          restart = await runRestart(result, target, result.window.toMs + result.stopMs);
        } catch (err) {
          failures.push(`restart failed: ${(err as Error).message}`);
          progress("restart", `FAILED: ${(err as Error).message}`);
        }
      }
      // The same requests at the same pace with nothing else: the baseline of this row's CPU.
      // After the restart, which must follow the stop at once.
      result.paced = await measurePaced(target, n / 60, PACED_MS);
      progress(
        label,
        `bare loop at ${(n / 60).toFixed(1)}/s: ${result.paced.clientCpuSecondsPer1k.toFixed(3)} CPU-s / 1k`,
      );
      result.removeData();
    }
  }

  let saturated: ScenarioResult | undefined;
  let saturatedCeiling: Ceiling | undefined;
  let saturatedCeilingAfter: Ceiling | undefined;
  if (args.phases.has("saturate")) {
    // Measured again just before: other load on the machine drifts over a long run.
    const satCeiling = sizes.length
      ? await measureCeiling(target, args.probeConcurrency, args.ceilingS * 1000)
      : ceiling;
    progress("ceiling", `${satCeiling.perSecond.toFixed(0)} requests/s (again, before the saturated run)`);
    saturatedCeiling = satCeiling;
    const interval = args.satIntervalS;
    // Due at 1.5× the ceiling, so the probe, not the schedule, is the limit.
    // A quick run only smoke-tests the phase with 1,000 monitors, which may not saturate.
    const monitors =
      args.satMonitors ??
      (args.quick
        ? 1_000
        : Math.min(30_000, Math.max(1_000, Math.ceil((1.5 * satCeiling.perSecond * interval) / 500) * 500)));
    const spec: ScenarioSpec = {
      label: "saturated",
      monitors,
      intervalSeconds: interval,
      timeoutMs: Math.min(10_000, Math.round(interval * 750)),
      durationS: args.durationS,
      warmupS: args.warmupS ?? 20,
      probeConcurrency: args.probeConcurrency,
      createConcurrency: args.createConcurrency,
      env: { MIN_INTERVAL_SECONDS: String(Math.min(10, interval)) },
      nodeArgs: profileArgs("saturated"),
      // Created with only the API running: creating thousands under saturation is not what we time.
      createWithoutChecks: true,
    };
    progress(
      "saturated",
      `${monitors} monitors at ${interval} s = ${(monitors / interval).toFixed(0)} due/s`,
    );
    saturated = await runScenario(spec, target);
    saturated.removeData();
    // And just after: the machine's ceiling drifts by a fifth or more within minutes here, so the
    // saturated rate is read against the mean of the two, both shown.
    saturatedCeilingAfter = await measureCeiling(target, args.probeConcurrency, args.ceilingS * 1000);
    progress(
      "ceiling",
      `${saturatedCeilingAfter.perSecond.toFixed(0)} requests/s (again, after the saturated run)`,
    );
  }
  await target.stop();

  return {
    ...runStamp("bench:checks", args.argv),
    code,
    machine: { ...machine, loadBefore, loadAfter: loadAverage() },
    probeConcurrency: args.probeConcurrency,
    ceiling,
    sizes,
    restart,
    saturated,
    saturatedCeiling,
    saturatedCeilingAfter,
    failures,
  };
}

/** --pace: only the paced table, in a section of its own. */
async function pace(): Promise<string> {
  const stamp = runStamp("bench:checks", args.argv);
  const machine = machineInfo();
  const loadBefore = loadAverage();
  const target = await startTarget();
  try {
    const rows = await runPace(parsePaces(args.paces), args.paceRounds, target, {
      durationS: args.durationS,
      warmupS: args.warmupS,
      probeConcurrency: args.probeConcurrency,
      createConcurrency: args.createConcurrency,
      nodeArgs: profileArgs,
    });
    return [
      `Command: \`${stamp.command}\`  `,
      `Date: ${stamp.date}  `,
      `Code: ${codeVersion(REPO_ROOT)}  `,
      `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGb} GB, Node ${machine.node}; load average ${loadBefore} before, ${loadAverage()} after`,
      "",
      renderPace(rows, args.durationS),
    ].join("\n");
  } finally {
    await target.stop();
  }
}

if (args.phases.has("pace")) {
  try {
    const text = await pace();
    process.stdout.write(`\n${text}`);
    if (args.writeDocs) {
      writeDocsSection(
        {
          begin:
            "<!-- bench:checks-pace:begin (written by npm run bench:checks -- --pace; edit outside these markers) -->",
          end: "<!-- bench:checks-pace:end -->",
          intro: "## Checks at a pace: `npm run bench:checks -- --pace`\n",
        },
        text,
      );
      progress("done", "wrote docs/benchmarks.md");
    }
    if (args.profileDir) process.stderr.write(`\n${summarizeProfileDir(args.profileDir, args.durationS)}\n`);
  } catch (err) {
    process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await runCleanup();
  }
} else {
  try {
    const run = await main();
    const text = renderRun(run);
    process.stdout.write(`\n${text}`);
    if (args.writeDocs) {
      writeDocs(text);
      progress("done", `wrote ${path.relative(process.cwd(), DOCS_FILE)}`);
    }
    // The measured window is the last `duration` seconds of each main-thread profile.
    if (args.profileDir) process.stderr.write(`\n${summarizeProfileDir(args.profileDir, args.durationS)}\n`);
    const missed = verdicts(run).filter((v) => v.ok === false);
    progress("done", missed.length ? `${missed.length} target(s) missed` : "every measured target met");
  } catch (err) {
    process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await runCleanup();
  }
}
