// npm run bench:storage — what results cost on disk and what reading them costs (issue 20,
// target 2). For each representation, a fresh PGlite DATA_DIR gets N http monitors at 60 s and
// 35 days of their results through the real write path (`recordResults`, 1,000 results per
// transaction, as the evaluator batches them) under a ManualClock; every simulated hour runs the
// evaluator's jobs (rollups, retention with the default 30 days, vacuum and checkpoint). Then it
// reports bytes per check of the results tables with their indexes, the folder, the WAL, the
// retention job's time, and the dashboard's history queries. "before" is main's representation
// (every result a row of check_results: the rollup job's packing off), "after" packs closed hours
// into blocks (migration 0015), both in the same run on the same generated data.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { loadConfig } from "../src/config/load.ts";
import type { CheckResult, Observation } from "../src/domain/check-result.ts";
import { toCheckSpec } from "../src/domain/monitor.ts";
import { ROLE_PERMISSIONS } from "../src/domain/permissions.ts";
import { ManualClock } from "../src/lib/clock.ts";
import { createLogger } from "../src/lib/logger.ts";
import { startUpblit } from "../src/main.ts";
import { judgeObservation } from "../src/monitor-types/run.ts";
import { createUserWithRole } from "../src/services/accounts/users.ts";
import { applyRetention, refreshRollups, vacuumHotTables } from "../src/services/checks/maintain.ts";
import { listResults, listRollups, uptimeSummary } from "../src/services/checks/query.ts";
import { recordResults } from "../src/services/checks/record-results.ts";
import type { Ctx } from "../src/services/context.ts";
import { createMonitor } from "../src/services/monitors/create.ts";
import { getMonitor } from "../src/services/monitors/query.ts";
import { monitorSummaries } from "../src/services/monitors/summaries.ts";
import { monitorDefinition } from "../src/test/factories.ts";
import { ROOMY_RATE_LIMITS } from "../src/test/upblit.ts";
import { positiveInt } from "./lib/args.ts";
import { runStamp, writeDocsSection } from "./lib/docs.ts";
import { codeVersion, dirBytes, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
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

type Variant = "before" | "after";

interface QueryTimes {
  [name: string]: number;
}

interface Figures {
  variant: Variant;
  checksStored: number;
  resultsBytes: number;
  rawBytes: number;
  blockBytes: number;
  rollupBytes: number;
  folderBytes: number;
  runningFolderBytes: number;
  walBytes: number;
  writeSeconds: number;
  retentionMs: { mean: number; max: number; runs: number };
  packMs: { mean: number; max: number };
  queries: QueryTimes;
}

/** A deterministic pseudo-random sequence, so both variants store the same results. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ERRORS = [
  { kind: "timeout", message: "no answer within 5000 ms" },
  { kind: "refused", message: "connect ECONNREFUSED 10.0.0.7:443" },
  { kind: "dns", message: "getaddrinfo ENOTFOUND api.example.test" },
] as const;

function observe(random: () => number): Observation {
  const r = random();
  const dns = 0.5 + random() * 3;
  const connect = 1 + random() * 20;
  const tls = 5 + random() * 30;
  const firstByte = 10 + random() * 200;
  const total = dns + connect + tls + firstByte + random() * 20;
  if (r < 0.005) {
    const error = ERRORS[Math.floor(random() * ERRORS.length)]!;
    return { timings: { total: error.kind === "timeout" ? 5000 : dns + connect }, error: { ...error } };
  }
  const statusCode = r < 0.01 ? 503 : 200;
  return { timings: { dns, connect, tls, firstByte, total }, statusCode };
}

async function setUp(dataDir: string, clock: ManualClock, existing = false) {
  const config = loadConfig({
    DATA_DIR: dataDir,
    UPBLIT_ROLES: "api",
    ALLOW_PRIVATE_TARGETS: "true",
    LOG_LEVEL: "warn",
    RAW_RETENTION_DAYS: String(RAW_DAYS),
    // To compare shared buffers sizes (bench:footprint's breakdown): PGLITE_SHARED_BUFFERS_MB=16 npm run bench:storage.
    ...(process.env.PGLITE_SHARED_BUFFERS_MB
      ? { PGLITE_SHARED_BUFFERS_MB: process.env.PGLITE_SHARED_BUFFERS_MB }
      : {}),
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

async function relationBytes(ctx: Ctx, names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) {
    const row = await sql<{ n: string }>`SELECT pg_total_relation_size(${name}::regclass)::text AS n`.execute(
      ctx.db,
    );
    total += Number(row.rows[0]?.n ?? 0);
  }
  return total;
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
async function measureQueries(ctx: Ctx, ids: string[], now: number): Promise<QueryTimes> {
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
    [`monitor list summaries (${MONITORS} monitors)`]: await timeIt(7, () => monitorSummaries(ctx, ids)),
  };
}

async function runVariant(variant: Variant): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `upblit-bench-storage-${variant}-`));
  const clock = new ManualClock(T0);
  const { running, ctx, retention } = await setUp(dataDir, clock);
  const pack = variant === "after";
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
    // main vacuums only its three hot tables (and never checkpoints); 0015 adds the churned
    // results tables and a checkpoint.
    const maintain = () =>
      pack
        ? vacuumHotTables(running.rt)
        : sql`VACUUM (ANALYZE) monitor_schedules, monitor_state, rollup_watermark`.execute(ctx.db);
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
        await refreshRollups(running.rt, { pack });
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
    await refreshRollups(running.rt, { pack });
    await maintain();
    progress(variant, "measuring sizes and queries");
    // While running: PGlite checkpoints when it closes, which would hide the WAL's growth.
    const walBytes = dirBytes(path.join(dataDir, "pg_wal"));
    const runningFolderBytes = dirBytes(dataDir);

    const checksStored = Number(
      (await sql<{ n: string }>`SELECT count(*)::text AS n FROM check_history`.execute(ctx.db)).rows[0]?.n ??
        0,
    );
    const rawBytes = await relationBytes(ctx, ["check_results"]);
    const blockBytes = await relationBytes(ctx, ["check_result_blocks"]);
    const rollupBytes = await relationBytes(ctx, ["rollups_hourly", "rollups_daily"]);
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
      rollupBytes,
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

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
const gb = (n: number) => `${(n / 1024 / MB).toFixed(2)} GB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The folder at steady state for SCALE_TO monitors: results scale with checks, rollups with monitor-time. */
function projection(f: Figures): { results: number; rollups: number; rest: number; total: number } {
  const perCheck = f.resultsBytes / f.checksStored;
  const checks = SCALE_TO * RAW_DAYS * (DAY / INTERVAL_MS);
  const results = perCheck * checks;
  // Rollups: one hourly and 1/24 daily row per monitor-hour, kept ROLLUP_RETENTION_DAYS (400).
  const rollupPerMonitorHour = f.rollupBytes / (MONITORS * DAYS * 24);
  const rollups = rollupPerMonitorHour * SCALE_TO * 400 * 24;
  const rest = f.folderBytes - f.resultsBytes - f.rollupBytes;
  return { results, rollups, rest, total: results + rollups + rest };
}

function report(figures: Figures[]): string {
  const col = (pick: (f: Figures) => string) => figures.map(pick).join(" | ");
  const head = `| | ${figures.map((f) => f.variant).join(" | ")} |\n|---|${figures.map(() => "---").join("|")}|`;
  const lines = [
    head,
    `| results stored (${MONITORS} monitors × ${DAYS} days at 60 s, ${RAW_DAYS} days kept) | ${col((f) => String(f.checksStored))} |`,
    `| **bytes per check** (results tables with indexes and TOAST) | ${col((f) => `**${(f.resultsBytes / f.checksStored).toFixed(1)}**`)} |`,
    `| check_results / check_result_blocks | ${col((f) => `${mb(f.rawBytes)} / ${mb(f.blockBytes)}`)} |`,
    `| rollups (hourly + daily, ${DAYS} days) | ${col((f) => mb(f.rollupBytes))} |`,
    `| DATA_DIR while running / of which WAL / after a clean stop | ${col((f) => `${mb(f.runningFolderBytes)} / ${mb(f.walBytes)} / ${mb(f.folderBytes)}`)} |`,
    `| projected DATA_DIR, ${SCALE_TO.toLocaleString("en")} monitors, ${RAW_DAYS} days raw + 400 days rollups | ${col(
      (f) => {
        const p = projection(f);
        return `${gb(p.total)} (results ${gb(p.results)}, rollups ${gb(p.rollups)})`;
      },
    )} |`,
    `| writing: results/s through recordResults (with the hourly jobs) | ${col((f) => String(Math.round(f.checksStored / f.writeSeconds)))} |`,
    `| retention job (hourly, once raw results expire): mean / max of ${figures[0]?.retentionMs.runs ?? 0} runs | ${col((f) => `${ms(f.retentionMs.mean)} / ${ms(f.retentionMs.max)}`)} |`,
    `| rollup job incl. packing (hourly): mean / max | ${col((f) => `${ms(f.packMs.mean)} / ${ms(f.packMs.max)}`)} |`,
  ];
  for (const name of Object.keys(figures[0]?.queries ?? {})) {
    lines.push(`| ${name}, median | ${col((f) => ms(f.queries[name] ?? Number.NaN))} |`);
  }
  return lines.join("\n");
}

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
  process.stdout.write(
    `| | ${timed.map(([v]) => v).join(" | ")} |\n|---|${timed.map(() => "---").join("|")}|\n`,
  );
  for (const name of Object.keys(timed[0]?.[1] ?? {})) {
    process.stdout.write(
      `| ${name}, median | ${timed.map(([, q]) => ms(q[name] ?? Number.NaN)).join(" | ")} |\n`,
    );
  }
  process.exit(0);
}
const variants: Variant[] = values.only ? [values.only as Variant] : ["before", "after"];
const results: Figures[] = [];
for (const v of variants) {
  progress(v, `generating ${DAYS} days for ${MONITORS} monitors`);
  results.push(await runVariant(v));
}
const table = report(results);
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
