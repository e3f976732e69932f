// Upblit's status page benchmark (issue 5, "Benchmark"): see docs/benchmarks.md, section
// "Status pages", for what each figure means. Progress goes to stderr, the summary (Markdown) to
// stdout and to docs/benchmarks.md.
import path from "node:path";
import { parseArgs } from "node:util";
import { positiveInt } from "./lib/args.ts";
import { installCleanupHandlers, runCleanup } from "./lib/cleanup.ts";
import { DOCS_FILE, runStamp } from "./lib/docs.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
import type { Coding } from "./lib/status-bare.ts";
import { metTarget, renderStatus, type StatusBenchRun, writeStatusDocs } from "./lib/status-report.ts";
import { runStatus } from "./lib/status-run.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:status -- [options]
  --duration 4       seconds of one measured window (default; --quick: 2)
  --rounds 5         windows per server and row, bare and Upblit alternating; the row's ratio is
                     the median of the rounds' ratios (default; --quick: 1)
  --warmup 3         seconds of warm-up per server and route (default; --quick: 1)
  --connections 32   autocannon's keep-alive connections
  --components 50    monitors on the page (5 groups)
  --days 90          days of results each monitor gets (the page shows 90)
  --interval 30      minutes between two of a monitor's results in that history (default; --quick: 120)
  --codings identity,br,gzip
                     the Accept-Encoding rows measured (identity: none sent)
  --profile DIR      a CPU profile of every measured run in DIR and a summary on stdout
                     (profiling slows both servers: such a run never writes the docs)
  --quick            smoke run; does not touch docs/benchmarks.md
  --docs / --no-docs write docs/benchmarks.md (default: yes, except with --quick)`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    duration: { type: "string" },
    rounds: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string", default: "32" },
    components: { type: "string", default: "50" },
    days: { type: "string", default: "90" },
    interval: { type: "string" },
    codings: { type: "string", default: "identity,br,gzip" },
    profile: { type: "string" },
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
  seconds: positiveInt("duration", values.duration ?? (values.quick ? "2" : "4")),
  rounds: positiveInt("rounds", values.rounds ?? (values.quick ? "1" : "5")),
  warmupSeconds: positiveInt("warmup", values.warmup ?? (values.quick ? "1" : "3")),
  connections: positiveInt("connections", values.connections),
  components: positiveInt("components", values.components),
  groups: 5,
  days: positiveInt("days", values.days),
  intervalMinutes: positiveInt("interval", values.interval ?? (values.quick ? "120" : "30")),
  codings: codingsOf(values.codings),
  profileDir: values.profile ? path.resolve(values.profile) : undefined,
};
const writeDocs = values["no-docs"] || spec.profileDir ? false : (values.docs ?? !values.quick);

function codingsOf(list: string): Coding[] {
  const all: Coding[] = ["identity", "br", "gzip"];
  const picked = list.split(",").map((c) => c.trim());
  const unknown = picked.filter((c) => !all.includes(c as Coding));
  if (unknown.length || picked.length === 0) {
    process.stderr.write(`--codings: ${unknown.join(", ") || "(none)"} is not one of ${all.join(", ")}\n`);
    process.exit(2);
  }
  return picked as Coding[];
}
installCleanupHandlers();

async function main(): Promise<StatusBenchRun> {
  const machine = machineInfo();
  const code = codeVersion(REPO_ROOT);
  const loadBefore = loadAverage();
  progress("setup", `${machine.nproc} CPUs, node ${machine.node}, load ${loadBefore}`);
  const failures: string[] = [];
  let run: StatusBenchRun["run"];
  try {
    run = await runStatus(spec);
  } catch (err) {
    failures.push((err as Error).message);
    progress("status", `FAILED: ${(err as Error).message}`);
  }
  return {
    ...runStamp("bench:status", argv),
    code,
    machine: { ...machine, loadBefore, loadAfter: loadAverage() },
    run,
    failures,
  };
}

try {
  const run = await main();
  const text = renderStatus(run);
  process.stdout.write(`\n${text}`);
  if (writeDocs) {
    writeStatusDocs(text);
    progress("done", `wrote ${path.relative(process.cwd(), DOCS_FILE)}`);
  }
  if (run.run?.profiles.length) process.stdout.write(`\n${run.run.profiles.join("\n\n")}\n`);
  const missed = run.run?.pairs.filter((p) => !metTarget(p)).map((p) => p.name);
  if (run.failures.length || !run.run) process.exitCode = 1;
  else if (missed?.length) progress("done", `below the target ratio: ${missed.join("; ")}`);
} catch (err) {
  process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await runCleanup();
}
