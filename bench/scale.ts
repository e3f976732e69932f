// npm run bench:scale — issue 16: Upblit's roles as separate processes on PostgreSQL and Redis,
// on this machine. A fresh database (dropped at the end) and a redis-server child of our own on a
// free port (the machine's Redis is never touched). Measures, per role, CPU per 1,000 checks and
// RSS; Redis commands and PostgreSQL transactions/tuples per check; whether every slot of N
// monitors at 60 s is checked with p99 lateness < 1 s; the saturated rate with 1 and with 2 probe
// processes against the bare fresh-connection loop (bench/lib/ceiling.ts) measured in the same run;
// and the lateness a kill -9 of one of two probes causes. Progress on stderr; the table on stdout
// and in docs/benchmarks.md.
import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import pg from "pg";
import { SETUP_LINK_MESSAGE } from "../src/main.ts";
import { createMonitors, setUpOwner } from "./lib/api.ts";
import { positiveInt } from "./lib/args.ts";
import { type Ceiling, measureCeiling } from "./lib/ceiling.ts";
import { installCleanupHandlers, onCleanup } from "./lib/cleanup.ts";
import { runStamp } from "./lib/docs.ts";
import { freshDatabase, startRedis } from "./lib/pg-redis.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress, sleep } from "./lib/progress.ts";
import { runBench } from "./lib/run-bench.ts";
import { startTarget, type Target } from "./lib/target.ts";
import { REPO_ROOT, spawnUpblit, type UpblitChild } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:scale -- [options]
  --monitors 50000          monitors at 60 s (the issue's target: 50,000 = 833 checks/s)
  --window 60               seconds measured at steady state (after one interval of warm-up)
  --concurrency 200         PROBE_CONCURRENCY of each probe process
  --create-concurrency 16   monitors created at once through the API
  --no-docs                 do not touch docs/benchmarks.md`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    monitors: { type: "string", default: "50000" },
    window: { type: "string", default: "60" },
    concurrency: { type: "string", default: "200" },
    "create-concurrency": { type: "string", default: "16" },
    "no-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const MONITORS = positiveInt("monitors", values.monitors);
const WINDOW_S = positiveInt("window", values.window);
const CONCURRENCY = positiveInt("concurrency", values.concurrency);
const CREATE_CONCURRENCY = positiveInt("create-concurrency", values["create-concurrency"]);
installCleanupHandlers();

async function redisCalls(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info("commandstats");
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

interface PgCounters {
  xact: number;
  returned: number;
  fetched: number;
  inserted: number;
  updated: number;
  deleted: number;
}
async function pgCounters(admin: pg.Client, name: string): Promise<PgCounters> {
  // The statistics are a snapshot per transaction; a fresh one for each read.
  await admin.query("SELECT pg_stat_clear_snapshot()");
  const r = await admin.query(
    `SELECT xact_commit + xact_rollback AS xact, tup_returned AS returned, tup_fetched AS fetched,
            tup_inserted AS inserted, tup_updated AS updated, tup_deleted AS deleted
       FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  const row = r.rows[0] as Record<string, string>;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as PgCounters;
}

interface Role {
  name: string;
  child: UpblitChild;
}

/** Results whose slot lies in [from, to): how many, lateness p50/p99/max, unknown ones. */
async function slots(db: pg.Client, fromMs: number, toMs: number) {
  const r = await db.query(
    `SELECT count(*)::int AS n,
            count(*) FILTER (WHERE status = 'unknown')::int AS unknown,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY lateness_ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY lateness_ms) AS p99,
            max(lateness_ms) AS max
       FROM check_history WHERE NOT manual AND slot_at >= $1 AND slot_at < $2`,
    [new Date(fromMs), new Date(toMs)],
  );
  const due = await db.query(
    `SELECT coalesce(sum(ceil(($2::numeric - offset_ms) / (interval_seconds * 1000))
              - ceil(($1::numeric - offset_ms) / (interval_seconds * 1000))), 0)::int AS n
       FROM monitor_schedules WHERE active`,
    [fromMs, toMs],
  );
  const row = r.rows[0] as {
    n: number;
    unknown: number;
    p50: number | null;
    p99: number | null;
    max: number | null;
  };
  return { due: Number((due.rows[0] as { n: number }).n), ...row };
}

async function resultsCount(db: pg.Client): Promise<number> {
  const r = await db.query("SELECT count(*)::int AS n FROM check_history WHERE NOT manual");
  return (r.rows[0] as { n: number }).n;
}

const fmt = (n: number | null | undefined, d = 0) => (n === null || n === undefined ? "–" : n.toFixed(d));

async function main(): Promise<string> {
  const stamp = runStamp("bench:scale", argv);
  const machine = machineInfo();
  const loadBefore = loadAverage();
  progress(
    "setup",
    `${machine.nproc} CPUs, load ${loadBefore}; ${MONITORS} monitors at 60 s, window ${WINDOW_S} s`,
  );
  const target: Target = await startTarget();
  const redisServer = await startRedis();
  const database = await freshDatabase("upblit_bench_scale");
  const reader = new pg.Client({ connectionString: database.url });
  progress("setup", `target ${target.origin}, redis ${redisServer.url}, database ${database.name}`);

  const shared = {
    DATABASE_URL: database.url,
    REDIS_URL: redisServer.url,
    LOG_LEVEL: "info",
    PROBE_CONCURRENCY: String(CONCURRENCY),
    LOST_CHECK_GRACE_SECONDS: "5",
    SHUTDOWN_TIMEOUT_SECONDS: "10",
    API_RATE_LIMIT_PER_KEY: "1000000",
    API_RATE_LIMIT_PER_USER: "1000000",
  };
  const start = async (roles: string): Promise<UpblitChild> => {
    const child = await spawnUpblit({ env: { ...shared, UPBLIT_ROLES: roles } });
    await child.waitForLog("roles started", 600_000);
    progress("setup", `${roles} started (pid ${child.pid})`);
    return child;
  };
  // The API first (it migrates the fresh database), then the others at once.
  const apiChild = await start("api");
  await reader.connect();
  onCleanup(async () => {
    await reader.end().catch(() => {});
  });
  const [scheduler, evaluator, probe1] = await Promise.all([
    start("scheduler"),
    start("evaluator"),
    start("probe"),
  ]);
  const roles: Role[] = [
    { name: "api", child: apiChild },
    { name: "scheduler", child: scheduler! },
    { name: "evaluator", child: evaluator! },
    { name: "probe", child: probe1! },
  ];

  const setupLine = await apiChild.waitForLog(SETUP_LINK_MESSAGE, 60_000);
  const token = await setUpOwner(apiChild.url, String(setupLine.setupUrl));
  progress("create", `creating ${MONITORS} monitors through the API`);
  const creation = await createMonitors(
    apiChild.url,
    token,
    MONITORS,
    { targetOrigin: target.origin, intervalSeconds: 60, timeoutMs: 10_000 },
    CREATE_CONCURRENCY,
    "create",
  );
  progress(
    "create",
    `created ${creation.created} in ${creation.seconds.toFixed(0)} s (${creation.perSecond.toFixed(0)}/s)`,
  );
  if (creation.created === 0) throw new Error(`no monitor created: ${creation.firstErrors[0]}`);

  // Warm-up: one interval, so every monitor had its first check (a transition) before the window.
  const warmUntil = Date.now() + 62_000;
  while (Date.now() < warmUntil) {
    const n = await resultsCount(reader);
    progress("warm-up", `${Math.ceil((warmUntil - Date.now()) / 1000)} s left; ${n} results so far`);
    await sleep(Math.min(5_000, Math.max(0, warmUntil - Date.now())));
  }

  // --- Steady state with one probe: per-role CPU and RSS, Redis and PostgreSQL per check.
  const fromMs = Date.now();
  const cpu0 = new Map(roles.map((r) => [r.name, r.child.cpuMs()]));
  const rss = new Map<string, number>();
  const redis0 = await redisCalls(redisServer.redis);
  const pg0 = await pgCounters(database.admin, database.name);
  const count0 = await target.count();
  const toMs = fromMs + WINDOW_S * 1000;
  while (Date.now() < toMs) {
    await sleep(Math.min(5_000, Math.max(0, toMs - Date.now())));
    for (const r of roles) rss.set(r.name, Math.max(rss.get(r.name) ?? 0, r.child.memoryMb().rss));
    const done = (await target.count()) - count0;
    progress(
      "steady",
      `${((Date.now() - fromMs) / 1000).toFixed(0)}/${WINDOW_S} s: ${(done / ((Date.now() - fromMs) / 1000)).toFixed(1)} checks/s ` +
        `(due ${(creation.created / 60).toFixed(1)}/s); load ${loadAverage()}`,
    );
  }
  const endMs = Date.now();
  const checks = (await target.count()) - count0;
  const cpu = new Map(roles.map((r) => [r.name, r.child.cpuMs() - cpu0.get(r.name)!]));
  const redis1 = await redisCalls(redisServer.redis);
  const pg1 = await pgCounters(database.admin, database.name);
  // Results of the window's slots are stored within a few seconds of it.
  await sleep(5_000);
  const steady = await slots(reader, fromMs, endMs);
  const redisDelta = [...redis1]
    .map(([k, v]) => [k, v - (redis0.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0);
  redisDelta.sort((a, b) => b[1] - a[1]);
  const redisTotal = redisDelta.reduce((s, [, v]) => s + v, 0);
  const pgPer = (k: keyof PgCounters) => (pg1[k] - pg0[k]) / Math.max(1, checks);
  progress(
    "steady",
    `${checks} checks; slots ${steady.n}/${steady.due}; lateness p99 ${fmt(steady.p99)} ms; redis ${(redisTotal / Math.max(1, checks)).toFixed(1)} cmds/check`,
  );

  // --- kill -9 of one of two probes, at steady state.
  const probe2 = await start("probe");
  await sleep(15_000);
  const killAt = Date.now();
  progress("kill", `kill -9 of probe pid ${probe2.pid}`);
  process.kill(probe2.pid, "SIGKILL");
  await sleep(45_000);
  const afterKill = await slots(reader, killAt, killAt + 30_000);
  const beforeKill = await slots(reader, killAt - 15_000, killAt);
  progress(
    "kill",
    `slots before: p99 ${fmt(beforeKill.p99)} ms; 30 s after: ${afterKill.n}/${afterKill.due}, ${afterKill.unknown} unknown, p99 ${fmt(afterKill.p99)} ms, max ${fmt(afterKill.max)} ms`,
  );

  // --- Saturated: every schedule due at once; how fast 1, then 2 probe processes drain it.
  const saturate = async (label: string): Promise<{ perSecond: number; seconds: number; n: number }> => {
    const before = await resultsCount(reader);
    await reader.query("UPDATE monitor_schedules SET next_due_at = now() - interval '1 second' WHERE active");
    const t0 = Date.now();
    const goal = before + creation.created;
    let now = before;
    const deadline = t0 + 600_000;
    while (now < goal && Date.now() < deadline) {
      await sleep(2_000);
      now = await resultsCount(reader);
      progress(
        label,
        `${now - before}/${creation.created} drained, ${((now - before) / ((Date.now() - t0) / 1000)).toFixed(1)}/s`,
      );
    }
    const seconds = (Date.now() - t0) / 1000;
    return { perSecond: (now - before) / seconds, seconds, n: now - before };
  };
  const ceilingBefore: Ceiling = await measureCeiling(target, CONCURRENCY, 10_000);
  progress("ceiling", `bare fresh-connection loop: ${ceilingBefore.perSecond.toFixed(0)}/s`);
  const sat1 = await saturate("saturated, 1 probe");
  const probe3 = await start("probe");
  const sat2 = await saturate("saturated, 2 probes");
  const ceilingAfter: Ceiling = await measureCeiling(target, CONCURRENCY, 10_000);
  progress("ceiling", `bare fresh-connection loop again: ${ceilingAfter.perSecond.toFixed(0)}/s`);
  const ceilingMean = (ceilingBefore.perSecond + ceilingAfter.perSecond) / 2;
  await probe3.stop(15_000);
  for (const r of roles.reverse()) await r.child.stop(15_000);
  await target.stop();

  const per1k = (name: string) => (cpu.get(name)! / 1000 / Math.max(1, checks)) * 1000;
  const sustained = steady.n >= steady.due && (steady.p99 ?? Number.POSITIVE_INFINITY) < 1000;
  return [
    `Command: \`${stamp.command}\`  `,
    `Date: ${stamp.date}  `,
    `Code: ${codeVersion(REPO_ROOT)}  `,
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGb} GB, Node ${machine.node}; load average ${loadBefore} before, ${loadAverage()} after — shared with other engineers' builds and tests: every figure is under that load`,
    "",
    `Roles as separate processes (api, scheduler, evaluator, probe; PROBE_CONCURRENCY ${CONCURRENCY}) on a fresh PostgreSQL database and a redis-server of our own. ${creation.created} monitors at 60 s = ${(creation.created / 60).toFixed(1)} due/s (created in ${creation.seconds.toFixed(0)} s); window ${WINDOW_S} s after a 62 s warm-up; ${checks} checks in the window.`,
    "",
    "| role | CPU-s / 1,000 checks | peak RSS MB |",
    "| --- | --- | --- |",
    ...roles.map((r) => `| ${r.name} | ${per1k(r.name).toFixed(2)} | ${fmt(rss.get(r.name))} |`),
    `| all | ${roles.reduce((s, r) => s + per1k(r.name), 0).toFixed(2)} | ${fmt(roles.reduce((s, r) => s + (rss.get(r.name) ?? 0), 0))} |`,
    "",
    `| per check | value |`,
    "| --- | --- |",
    `| Redis commands | ${(redisTotal / Math.max(1, checks)).toFixed(1)} (${redisDelta
      .slice(0, 6)
      .map(([k, v]) => `${k} ${(v / Math.max(1, checks)).toFixed(1)}`)
      .join(", ")}) |`,
    `| PostgreSQL transactions | ${pgPer("xact").toFixed(2)} |`,
    `| PostgreSQL tuples returned / fetched | ${pgPer("returned").toFixed(1)} / ${pgPer("fetched").toFixed(1)} |`,
    `| PostgreSQL tuples inserted / updated / deleted | ${pgPer("inserted").toFixed(2)} / ${pgPer("updated").toFixed(2)} / ${pgPer("deleted").toFixed(2)} |`,
    "",
    "| measure | value |",
    "| --- | --- |",
    `| slots of the window checked | ${steady.n} of ${steady.due} due |`,
    `| lateness p50 / p99 / max | ${fmt(steady.p50)} / ${fmt(steady.p99)} / ${fmt(steady.max)} ms |`,
    `| ${creation.created} monitors at 60 s sustained (every slot, p99 < 1 s) | ${sustained ? "yes" : "no"} |`,
    `| kill -9 of one of two probes: slots in the 30 s after | ${afterKill.n} of ${afterKill.due} due, ${afterKill.unknown} unknown; lateness p99 ${fmt(afterKill.p99)} ms, max ${fmt(afterKill.max)} ms (15 s before: p99 ${fmt(beforeKill.p99)} ms) |`,
    `| bare fresh-connection loop (concurrency ${CONCURRENCY}) | ${ceilingBefore.perSecond.toFixed(0)}/s before, ${ceilingAfter.perSecond.toFixed(0)}/s after |`,
    `| saturated, 1 probe process | ${sat1.perSecond.toFixed(0)} checks/s (${sat1.n} in ${sat1.seconds.toFixed(0)} s) = ${((sat1.perSecond / ceilingMean) * 100).toFixed(0)}% of the bare loop |`,
    `| saturated, 2 probe processes | ${sat2.perSecond.toFixed(0)} checks/s (${sat2.n} in ${sat2.seconds.toFixed(0)} s) = ${((sat2.perSecond / ceilingMean) * 100).toFixed(0)}% of the bare loop |`,
    "",
  ].join("\n");
}

await runBench(main, {
  name: "scale",
  title: "## Scale-out: roles as processes on PostgreSQL and Redis (npm run bench:scale)",
  write: !values["no-docs"],
});
