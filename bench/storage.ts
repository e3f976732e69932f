// npm run bench:storage — what results cost on disk and what reading them costs (issue 20,
// target 2). For each representation, a fresh PGlite DATA_DIR gets N http monitors at 60 s and
// 35 days of their results through the real write path (`recordResults`, 1,000 results per
// transaction, as the evaluator batches them) under a ManualClock; every simulated hour runs the
// evaluator's jobs (rollups, retention with the default 30 days, vacuum and checkpoint). Then it
// reports bytes per check of the results tables with their indexes, the folder, the WAL, the
// retention job's time, and the dashboard's history queries. "before" packs results (0015) but
// keeps rollups a row per monitor and hour/day (the rollup job's week packing off), "after" also
// packs closed weeks of rollups into blocks (0022), both in the same run on the same generated data.
// Data, measurements and the report are in bench/lib/storage-*.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/load.ts";
import type { CheckResult } from "../src/domain/check-result.ts";
import { toCheckSpec } from "../src/domain/monitor.ts";
import { ROLE_PERMISSIONS } from "../src/domain/permissions.ts";
import { ManualClock } from "../src/lib/clock.ts";
import { createLogger } from "../src/lib/logger.ts";
import { startUpblit } from "../src/main.ts";
import { judgeObservation } from "../src/monitor-types/run.ts";
import { createUserWithRole } from "../src/services/accounts/users.ts";
import { applyRetention, refreshRollups, vacuumHotTables } from "../src/services/checks/maintain.ts";
import { recordResults } from "../src/services/checks/record-results.ts";
import type { Ctx } from "../src/services/context.ts";
import { createMonitor } from "../src/services/monitors/create.ts";
import { getMonitor } from "../src/services/monitors/query.ts";
import { monitorDefinition } from "../src/test/factories.ts";
import { ROOMY_RATE_LIMITS } from "../src/test/upblit.ts";
import { positiveInt } from "./lib/args.ts";
import { runStamp, writeDocsSection } from "./lib/docs.ts";
import { codeVersion, dirBytes, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
import { observe, rng } from "./lib/storage-data.ts";
import { countRows, measureQueries, type QueryTimes, relationBytes } from "./lib/storage-measure.ts";
import { type Figures, queryTable, report, type Shape, type Variant } from "./lib/storage-report.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:storage -- [options]
  --monitors 20     http monitors at 60 s (per-check figures do not depend on it; per-monitor ones are scaled to --scale-to)
  --days 35         days of results generated
  --raw-days 30     RAW_RETENTION_DAYS (the default)
  --scale-to 1000   monitors the steady-state folder is projected to
  --only before|after
  --keep            keep the data folders (their paths are printed)
  --requery before=DIR,after=DIR
                    only time the queries again on folders kept by --keep (same --monitors and --days)
  --no-docs         do not touch docs/benchmarks.md`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    monitors: { type: "string", default: "20" },
    days: { type: "string", default: "35" },
    "raw-days": { type: "string", default: "30" },
    "scale-to": { type: "string", default: "1000" },
    only: { type: "string" },
    keep: { type: "boolean", default: false },
    requery: { type: "string" },
    "no-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const MONITORS = positiveInt("monitors", values.monitors);
const DAYS = positiveInt("days", values.days);
const RAW_DAYS = positiveInt("raw-days", values["raw-days"]);
const SCALE_TO = positiveInt("scale-to", values["scale-to"]);
const INTERVAL_MS = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BATCH = 1_000;
const T0 = Date.UTC(2031, 0, 1);

async function setUp(dataDir: string, clock: ManualClock, existing = false) {
  const config = loadConfig({
    DATA_DIR: dataDir,
    UPBLIT_ROLES: "api",
    ALLOW_PRIVATE_TARGETS: "true",
    LOG_LEVEL: "warn",
    RAW_RETENTION_DAYS: String(RAW_DAYS),
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const running = await startUpblit(config, createLogger("warn", sink), {
    clock,
    listen: false,
    rateLimits: ROOMY_RATE_LIMITS,
  });
  const owner = existing
    ? await running.rt.db
        .selectFrom("memberships")
        .select(["organization_id as organizationId", "user_id as userId"])
        .executeTakeFirstOrThrow()
    : await createUserWithRole(running.rt, {
        email: "owner@example.com",
        password: "correct horse battery",
        role: "owner",
      });
  const ctx: Ctx = {
    ...running.rt,
    organizationId: owner.organizationId,
    actor: {
      kind: "user",
      userId: owner.userId,
      email: "owner@example.com",
      sessionId: "",
      role: "owner",
      permissions: ROLE_PERMISSIONS.owner,
    },
  } as Ctx;
  return { running, ctx, retention: config.retention };
}

async function runVariant(variant: Variant): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `upblit-bench-storage-${variant}-`));
  const clock = new ManualClock(T0);
  const { running, ctx, retention } = await setUp(dataDir, clock);
  const packRollups = variant === "after";
  try {
    const ids: string[] = [];
    const specs = [];
    for (let i = 0; i < MONITORS; i++) {
      // One in five asserts on latency too: its verdict's actual value differs on every check.
      const assertions =
        i % 5 === 4 ? [{ subject: "latency.total", op: "<", value: 2000, severity: "hard" } as const] : [];
      const m = await createMonitor(
        ctx,
        monitorDefinition({ name: `m${i}`, target: `https://svc${i}.example.test/`, assertions }),
      );
      ids.push(m.id);
      specs.push(toCheckSpec(await getMonitor(ctx, m.id)));
    }
    const random = rng(20);
    const end = T0 + DAYS * DAY;
    const retentionTimes: number[] = [];
    const packTimes: number[] = [];
    const maintain = () => vacuumHotTables(running.rt);
    let buffer: CheckResult[] = [];
    let stored = 0;
    const started = performance.now();
    const flush = async () => {
      if (buffer.length === 0) return;
      stored += (await recordResults(running.rt, buffer)).stored;
      buffer = [];
    };
    for (let slot = T0; slot < end; slot += INTERVAL_MS) {
      for (let i = 0; i < MONITORS; i++) {
        const spec = specs[i]!;
        const obs = observe(random);
        const judged = judgeObservation(spec, obs);
        buffer.push({
          monitorId: ids[i]!,
          organizationId: ctx.organizationId,
          region: "local",
          slotAt: slot,
          startedAt: slot + Math.floor(random() * 40),
          manual: false,
          status: judged.status,
          statusCode: obs.statusCode,
          timings: obs.timings,
          error: obs.error,
          verdicts: judged.verdicts,
        });
        if (buffer.length >= BATCH) await flush();
      }
      const next = slot + INTERVAL_MS;
      if (next % HOUR === 0) {
        await flush();
        // The evaluator's jobs, as they run in an hour: rollups (every minute, here once with the
        // packing they end with), retention (hourly), vacuum and checkpoint (embedded only).
        clock.set(next + 5 * 60_000);
        const tp = performance.now();
        await refreshRollups(running.rt, { packRollups });
        packTimes.push(performance.now() - tp);
        const tr = performance.now();
        await applyRetention(running.rt, retention);
        if (next - T0 > RAW_DAYS * DAY) retentionTimes.push(performance.now() - tr);
        await maintain();
        clock.set(next);
        if (next % DAY === 0) {
          const day = (next - T0) / DAY;
          const rate = stored / ((performance.now() - started) / 1000);
          progress(variant, `day ${day}/${DAYS}: ${stored} results stored (${Math.round(rate)}/s)`);
        }
      }
    }
    await flush();
    const writeSeconds = (performance.now() - started) / 1000;
    clock.set(end + 5 * 60_000);
    await refreshRollups(running.rt, { packRollups });
    await maintain();
    progress(variant, "measuring sizes and queries");
    // While running: PGlite checkpoints when it closes, which would hide the WAL's growth.
    const walBytes = dirBytes(path.join(dataDir, "pg_wal"));
    const runningFolderBytes = dirBytes(dataDir);

    const checksStored = await countRows(ctx, "check_history");
    const rawBytes = await relationBytes(ctx, ["check_results"]);
    const blockBytes = await relationBytes(ctx, ["check_result_blocks"]);
    const hotRollupBytes = await relationBytes(ctx, ["rollups_hourly", "rollups_daily"]);
    const rollupBlockBytes = await relationBytes(ctx, ["rollup_blocks"]);
    const hotRollupHours = await countRows(ctx, "rollups_hourly");
    const packedRollupHours = await countRows(ctx, "rollup_block_hours");
    const queries = await measureQueries(ctx, ids, clock.now());
    await running.stop();
    const folderBytes = dirBytes(dataDir);
    const stat = (xs: number[]) => ({
      mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0,
      max: xs.length ? Math.max(...xs) : 0,
    });
    return {
      variant,
      checksStored,
      resultsBytes: rawBytes + blockBytes,
      rawBytes,
      blockBytes,
      hotRollupBytes,
      rollupBlockBytes,
      hotRollupHours,
      packedRollupHours,
      folderBytes,
      runningFolderBytes,
      walBytes,
      writeSeconds,
      retentionMs: { ...stat(retentionTimes), runs: retentionTimes.length },
      packMs: stat(packTimes),
      queries,
    };
  } finally {
    if (values.keep) progress(variant, `data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

const SHAPE: Shape = {
  monitors: MONITORS,
  days: DAYS,
  rawDays: RAW_DAYS,
  scaleTo: SCALE_TO,
  rollupDays: 400,
  intervalMs: INTERVAL_MS,
};

if (values.requery) {
  const timed: Array<[string, QueryTimes]> = [];
  for (const pair of values.requery.split(",")) {
    const [variant, dir] = pair.split("=") as [string, string];
    const clock = new ManualClock(T0 + DAYS * DAY + 5 * 60_000);
    const { running, ctx } = await setUp(dir, clock, true);
    const ids = (await ctx.db.selectFrom("monitors").select("id").orderBy("id").execute()).map((r) => r.id);
    progress(variant, `timing the queries on ${dir}`);
    timed.push([variant, await measureQueries(ctx, ids, clock.now())]);
    await running.stop();
  }
  process.stdout.write(`${queryTable(timed)}\n`);
  process.exit(0);
}
const variants: Variant[] = values.only ? [values.only as Variant] : ["before", "after"];
const results: Figures[] = [];
for (const v of variants) {
  progress(v, `generating ${DAYS} days for ${MONITORS} monitors`);
  results.push(await runVariant(v));
}
const table = report(results, SHAPE);
process.stdout.write(`${table}\n`);
if (!values["no-docs"]) {
  const stamp = runStamp("bench:storage", argv);
  const m = machineInfo();
  writeDocsSection(
    {
      begin: "<!-- bench:storage:begin (written by npm run bench:storage; edit outside these markers) -->",
      end: "<!-- bench:storage:end -->",
      intro:
        "## Storage: `npm run bench:storage`\n\nSee docs/storage.md for what it measures and the representation.\n",
    },
    `\`${stamp.command}\` at ${codeVersion(REPO_ROOT)}, ${stamp.date}; ${m.nproc} CPUs (${m.cpuModel}), Node ${m.node}; load average at the end ${loadAverage()}.\n\n${table}\n`,
  );
}
