// Upblit's alert delivery benchmark (issue 4, "Benchmark"): see docs/benchmarks.md, section
// "Alert delivery", for what each figure means. Progress goes to stderr, the summary (Markdown) to
// stdout and to docs/benchmarks.md.
import path from "node:path";
import { parseArgs } from "node:util";
import { ENV_VARS } from "../src/config/schema.ts";
import { loadDist } from "./lib/alerts-dist.ts";
import { startReceiver } from "./lib/alerts-receiver.ts";
import { type AlertBenchRun, renderAlerts, writeAlertsDocs } from "./lib/alerts-report.ts";
import { type AlertDatabase, type AlertRunResult, runAlerts } from "./lib/alerts-run.ts";
import { positiveInt } from "./lib/args.ts";
import { installCleanupHandlers, runCleanup } from "./lib/cleanup.ts";
import { DOCS_FILE, runStamp } from "./lib/docs.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:alerts -- [options]
  --monitors 2000         monitors created through the API (default; --quick: 200)
  --flips 5               state changes per monitor: down, up, down, … (default; --quick: 5)
  --batch 1000            results per recordResults call (one transaction)
  --db pglite,postgres    configurations, in order (default; --quick: pglite)
  --create-concurrency 16 POSTs in flight while creating monitors
  --timeout 600           seconds to wait for every delivery before giving up
  --quick                 smoke run; does not touch docs/benchmarks.md
  --docs / --no-docs      write docs/benchmarks.md (default: yes, except with --quick)
NOTIFY_CONCURRENCY in the environment sets the notifier's and the bare loop's concurrency;
BENCH_DATABASE_URL the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test).`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    monitors: { type: "string" },
    flips: { type: "string", default: "5" },
    batch: { type: "string", default: "1000" },
    db: { type: "string" },
    "create-concurrency": { type: "string", default: "16" },
    timeout: { type: "string", default: "600" },
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
const databases = (values.db ?? (values.quick ? "pglite" : "pglite,postgres")).split(",").map((d) => {
  if (d !== "pglite" && d !== "postgres") throw new Error(`--db takes pglite and/or postgres, got ${d}`);
  return d as AlertDatabase;
});
const spec = {
  monitors: positiveInt("monitors", values.monitors ?? (values.quick ? "200" : "2000")),
  flips: positiveInt("flips", values.flips),
  batch: positiveInt("batch", values.batch),
  concurrency: positiveInt(
    "NOTIFY_CONCURRENCY",
    process.env.NOTIFY_CONCURRENCY ?? ENV_VARS.NOTIFY_CONCURRENCY.default,
  ),
  createConcurrency: positiveInt("create-concurrency", values["create-concurrency"]),
  timeoutMs: positiveInt("timeout", values.timeout) * 1000,
};
const writeDocs = values["no-docs"] ? false : (values.docs ?? !values.quick);
installCleanupHandlers();

async function main(): Promise<AlertBenchRun> {
  const machine = machineInfo();
  const code = codeVersion(REPO_ROOT);
  const loadBefore = loadAverage();
  progress(
    "setup",
    `${machine.nproc} CPUs, node ${machine.node}, load ${loadBefore}; ${spec.monitors} monitors × ${spec.flips} ` +
      `changes on ${databases.join(", ")}`,
  );
  const dist = await loadDist();
  const receiver = await startReceiver();
  progress("setup", `receiver ${receiver.origin} (pid ${receiver.pid})`);
  const runs: AlertRunResult[] = [];
  const failures: string[] = [];
  for (const database of databases) {
    try {
      const r = await runAlerts(dist, receiver, { ...spec, database });
      runs.push(r);
      progress(
        database,
        `${r.notifications.sent}/${r.changes} acknowledged in ${r.ackSeconds.toFixed(1)} s = ` +
          `${r.deliveriesPerSecond.toFixed(0)}/s, ${(r.deliveriesPerSecond / r.ceiling.perSecond).toFixed(3)} × ceiling`,
      );
    } catch (err) {
      failures.push(`${database} failed: ${(err as Error).message}`);
      progress(database, `FAILED: ${(err as Error).message}`);
    }
  }
  await receiver.stop();
  return {
    ...runStamp("bench:alerts", argv),
    code,
    machine: { ...machine, loadBefore, loadAfter: loadAverage() },
    runs,
    failures,
  };
}

try {
  const run = await main();
  const text = renderAlerts(run);
  process.stdout.write(`\n${text}`);
  if (writeDocs) {
    writeAlertsDocs(text);
    progress("done", `wrote ${path.relative(process.cwd(), DOCS_FILE)}`);
  }
  if (run.failures.length || run.runs.some((r) => r.timedOut)) process.exitCode = 1;
} catch (err) {
  process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await runCleanup();
}
