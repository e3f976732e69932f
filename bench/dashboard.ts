// The dashboard benchmark (issue 13, "Benchmark"): see docs/benchmarks.md, section "Dashboard",
// for what each figure means. Progress goes to stderr, the summary (Markdown) to stdout and to
// docs/benchmarks.md.
import path from "node:path";
import { parseArgs } from "node:util";
import { positiveInt } from "./lib/args.ts";
import { installCleanupHandlers, runCleanup } from "./lib/cleanup.ts";
import { type DashboardBenchRun, renderDashboard, writeDashboardDocs } from "./lib/dashboard-report.ts";
import { runDashboard } from "./lib/dashboard-run.ts";
import { DOCS_FILE, runStamp } from "./lib/docs.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:dashboard -- [options]
  --monitors 10000   monitors in the list (default; --quick: 500)
  --changes 100      state changes timed from the API to the open list (default; --quick: 20)
  --scroll-step 400  pixels the list moves per animation frame while scrolling it end to end
  --quick            smoke run; does not touch docs/benchmarks.md
  --docs / --no-docs write docs/benchmarks.md (default: yes, except with --quick)`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    monitors: { type: "string" },
    changes: { type: "string" },
    "scroll-step": { type: "string", default: "400" },
    quick: { type: "boolean", default: false },
    docs: { type: "boolean" },
    "no-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const spec = {
  monitors: positiveInt("monitors", values.monitors ?? (values.quick ? "500" : "10000")),
  changes: positiveInt("changes", values.changes ?? (values.quick ? "20" : "100")),
  scrollStep: positiveInt("scroll-step", values["scroll-step"]),
};
const writeDocs = values["no-docs"] ? false : (values.docs ?? !values.quick);
installCleanupHandlers();

async function main(): Promise<DashboardBenchRun> {
  const machine = machineInfo();
  const code = codeVersion(REPO_ROOT);
  const loadBefore = loadAverage();
  progress("setup", `${machine.nproc} CPUs, node ${machine.node}, load ${loadBefore}`);
  const failures: string[] = [];
  let run: DashboardBenchRun["run"];
  try {
    run = await runDashboard(spec);
  } catch (err) {
    failures.push((err as Error).message);
    progress("dashboard", `FAILED: ${(err as Error).message}`);
  }
  return {
    ...runStamp("bench:dashboard", argv),
    code,
    machine: { ...machine, loadBefore, loadAfter: loadAverage() },
    run,
    failures,
  };
}

try {
  const run = await main();
  const text = renderDashboard(run);
  process.stdout.write(`\n${text}`);
  if (writeDocs) {
    writeDashboardDocs(text);
    progress("done", `wrote ${path.relative(process.cwd(), DOCS_FILE)}`);
  }
  process.exitCode = run.failures.length > 0 ? 1 : 0;
} catch (err) {
  process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await runCleanup();
}
