// npm run bench:remote-probe — issue 17: what a remote probe (`upblit probe`) costs against the
// same probe code in-cluster (the probe role, `upblit start` with UPBLIT_ROLES=probe), measured in
// the same run on the same machine. Upblit's roles run as processes on a fresh PostgreSQL database
// and a redis-server of our own (as bench:scale); the checks go to a target on 127.0.0.1. Measures
// (a) the saturated checks/s and CPU per 1,000 checks of the in-cluster probe, of one remote probe,
// and of the in-cluster probe again (the machine drifts); (b) the bytes a remote probe puts on the
// wire per check, through a counting TCP relay in this process, saturated and at an ordinary pace;
// (c) how long a revoked token takes to stop a probe and an edited monitor to reach it. Progress
// on stderr; the tables on stdout and in docs/benchmarks.md.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { request } from "undici";
import { SETUP_LINK_MESSAGE } from "../src/main.ts";
import { createMonitors, setUpOwner } from "./lib/api.ts";
import { positiveInt } from "./lib/args.ts";
import { startByteRelay } from "./lib/byte-relay.ts";
import { installCleanupHandlers, onCleanup, trackDir } from "./lib/cleanup.ts";
import { runStamp } from "./lib/docs.ts";
import { freshDatabase, startRedis } from "./lib/pg-redis.ts";
import { type ProbeChild, spawnProbe } from "./lib/probe-child.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress, sleep } from "./lib/progress.ts";
import { type Measured, measure, per1k } from "./lib/remote-probe-measure.ts";
import { runBench } from "./lib/run-bench.ts";
import { median } from "./lib/stats.ts";
import { startTarget } from "./lib/target.ts";
import { REPO_ROOT, spawnUpblit, type UpblitChild } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:remote-probe -- [options]
  --monitors 1500       http monitors in each saturated set (one in-cluster, one remote)
  --interval 2          their interval in seconds (1,500 at 2 s = 750 due/s: meant to be more than
                        either keeps up with; a phase that keeps up is marked "not saturated")
  --concurrency 100     checks at once: PROBE_CONCURRENCY of the probe role, --concurrency of upblit probe
  --warmup 15           seconds run before each saturated window
  --window 30           seconds measured per saturated phase
  --paced-monitors 30   monitors of the paced remote region (bytes per check at an ordinary pace)
  --paced-interval 10   their interval in seconds
  --paced-window 40     seconds measured at that pace
  --repeats 5           revocations and monitor edits measured
  --quick               smoke run: 200 monitors, 5 s warm-up, 10 s windows, 2 repeats; leaves docs alone
  --no-docs             do not touch docs/benchmarks.md`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    monitors: { type: "string" },
    interval: { type: "string", default: "2" },
    concurrency: { type: "string", default: "100" },
    warmup: { type: "string" },
    window: { type: "string" },
    "paced-monitors": { type: "string", default: "30" },
    "paced-interval": { type: "string", default: "10" },
    "paced-window": { type: "string" },
    repeats: { type: "string" },
    quick: { type: "boolean", default: false },
    "no-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const QUICK = values.quick;
const MONITORS = positiveInt("monitors", values.monitors ?? (QUICK ? "200" : "1500"));
const INTERVAL_S = positiveInt("interval", values.interval);
const CONCURRENCY = positiveInt("concurrency", values.concurrency);
const WARMUP_S = positiveInt("warmup", values.warmup ?? (QUICK ? "5" : "15"));
const WINDOW_S = positiveInt("window", values.window ?? (QUICK ? "10" : "30"));
const PACED_MONITORS = positiveInt("paced-monitors", values["paced-monitors"]);
const PACED_INTERVAL_S = positiveInt("paced-interval", values["paced-interval"]);
const PACED_WINDOW_S = positiveInt("paced-window", values["paced-window"] ?? (QUICK ? "10" : "40"));
const REPEATS = positiveInt("repeats", values.repeats ?? (QUICK ? "2" : "5"));
const WRITE_DOCS = !QUICK && !values["no-docs"];
installCleanupHandlers();

async function api<T>(base: string, key: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await request(`${base}${url}`, {
    method: method as "GET",
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300)
    throw new Error(`${method} ${url}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const f = (n: number, d = 0) => n.toFixed(d);

async function main(): Promise<string> {
  const stamp = runStamp("bench:remote-probe", argv);
  const machine = machineInfo();
  const loadBefore = loadAverage();
  progress("setup", `${machine.nproc} CPUs, load ${loadBefore}; 2 x ${MONITORS} monitors at ${INTERVAL_S} s`);
  const target = await startTarget();
  const redisServer = await startRedis();
  const database = await freshDatabase("upblit_bench_remote");
  const dataDir = mkdtempSync(path.join(tmpdir(), "upblit-bench-remote-"));
  const removeDir = trackDir(dataDir);
  onCleanup(async () => removeDir());
  const shared = {
    DATABASE_URL: database.url,
    REDIS_URL: redisServer.url,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString("hex"),
    LOG_LEVEL: "info",
    PROBE_CONCURRENCY: String(CONCURRENCY),
    MIN_INTERVAL_SECONDS: "1",
    SHUTDOWN_TIMEOUT_SECONDS: "10",
  };
  const start = async (roles: string): Promise<UpblitChild> => {
    const child = await spawnUpblit({ env: { ...shared, UPBLIT_ROLES: roles } });
    await child.waitForLog("roles started", 600_000);
    progress("setup", `${roles} started (pid ${child.pid})`);
    return child;
  };
  const apiChild = await start("api");
  const base = apiChild.url;
  const [scheduler, evaluator, inCluster] = await Promise.all([
    start("scheduler"),
    start("evaluator"),
    start("probe"),
  ]);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup(async () => {
    await db.end().catch(() => {});
  }, "the bench's database client");

  // An API key (a session would expire within the run), made by the owner once.
  const setupLine = await apiChild.waitForLog(SETUP_LINK_MESSAGE, 60_000);
  const session = await setUpOwner(base, String(setupLine.setupUrl));
  const key = (
    await api<{ token: string }>(base, session, "POST", "/api/v1/api-keys", {
      name: "bench",
      scopes: ["monitors:read", "monitors:write", "org:admin"],
    })
  ).token;
  for (const name of ["remote", "edge", "spare"]) {
    await api(base, key, "POST", "/api/v1/regions", { name, kind: "remote", allowPrivateTargets: true });
  }
  const tokenFor = (region: string) =>
    api<{ id: string; token: string }>(base, key, "POST", "/api/v1/probe-tokens", {
      name: `bench ${region}`,
      region,
    });

  // Two identical sets: the remote one first (nothing checks it until its probe connects).
  const create = async (label: string, count: number, intervalS: number, region: string, prefix: string) => {
    const made = await createMonitors(
      base,
      key,
      count,
      {
        targetOrigin: target.origin,
        intervalSeconds: intervalS,
        // Shorter than the interval, as the API requires.
        timeoutMs: Math.min(5_000, intervalS * 1000 - 500),
        body: (i) => ({ type: "http", target: `${target.origin}/${prefix}/${i}`, regions: [region] }),
      },
      16,
      label,
    );
    if (made.created !== count) throw new Error(`${label}: ${made.failed} failed: ${made.firstErrors[0]}`);
    progress(label, `${made.created} monitors in ${region} in ${made.seconds.toFixed(0)} s`);
  };
  await create("create", MONITORS, INTERVAL_S, "remote", "r");
  await create("create", MONITORS, INTERVAL_S, "local", "l");
  await create("create", PACED_MONITORS, PACED_INTERVAL_S, "edge", "e");
  const edited = await api<{ id: string }>(base, key, "POST", "/api/v1/monitors", {
    name: "edited",
    type: "http",
    target: `${target.origin}/edited/0`,
    intervalSeconds: 60,
    timeoutMs: 5_000,
    regions: ["edge"],
  });
  await api(base, key, "POST", "/api/v1/monitors", {
    name: "spare",
    type: "http",
    target: `${target.origin}/spare`,
    intervalSeconds: 60,
    timeoutMs: 5_000,
    regions: ["spare"],
  });
  // Which saturated set is checked: the other one's schedules are switched off in the database.
  const only = async (region: "local" | "remote" | "none") =>
    db.query("UPDATE monitor_schedules SET active = (region = $1) WHERE region IN ('local', 'remote')", [
      region,
    ]);
  const server = [
    { name: "api", child: apiChild },
    { name: "scheduler", child: scheduler! },
    { name: "evaluator", child: evaluator! },
    { name: "probe role", child: inCluster! },
  ].map(({ name, child }) => ({ name, cpuMs: child.cpuMs, rssMb: () => child.memoryMb().rss }));
  const withProbe = (p: ProbeChild) => [...server, { name: "remote probe", cpuMs: p.cpuMs, rssMb: p.rssMb }];

  // --- (a) saturated: in-cluster, remote (through the counting relay), in-cluster again.
  await only("local");
  const before = await measure("in-cluster", target, server, WARMUP_S, WINDOW_S);
  await only("remote");
  const relay = await startByteRelay(Number(new URL(base).port));
  const remoteToken = await tokenFor("remote");
  const remoteProbe = spawnProbe(relay.url, remoteToken.token, ["--concurrency", String(CONCURRENCY)]);
  await remoteProbe.nextLine((m) => m.startsWith("assignments:"), 120_000);
  const remote = await measure("remote", target, withProbe(remoteProbe), WARMUP_S, WINDOW_S, relay);
  await remoteProbe.stop(15_000);
  await only("local");
  const after = await measure("in-cluster", target, server, WARMUP_S, WINDOW_S);
  await only("none");

  // --- (b) an ordinary pace: the edge region's monitors, one probe through a fresh relay.
  const pacedRelay = await startByteRelay(Number(new URL(base).port));
  const edgeToken = await tokenFor("edge");
  const edgeProbe = spawnProbe(pacedRelay.url, edgeToken.token, []);
  await edgeProbe.nextLine((m) => m.startsWith("assignments:"), 120_000);
  const paced = await measure(
    "paced",
    target,
    withProbe(edgeProbe),
    Math.min(PACED_INTERVAL_S, 15),
    PACED_WINDOW_S,
    pacedRelay,
  );

  // --- (c1) an edited monitor (target, then interval, in turn) until the probe has it.
  const edits: number[] = [];
  for (let k = 0; k < REPEATS; k++) {
    // At a random moment relative to the probe's 15 s refresh of the assignments.
    await sleep(Math.round(Math.random() * 15_000));
    const reached = edgeProbe.nextLine((m) => m.startsWith("assignments:"), 120_000);
    const t0 = Date.now();
    const change = k % 2 === 0 ? { target: `${target.origin}/edited/${k + 1}` } : { intervalSeconds: 60 + k };
    await api(base, key, "PATCH", `/api/v1/monitors/${edited.id}`, change);
    const ms = (await reached) - t0;
    edits.push(ms);
    progress("edit", `${Object.keys(change)[0]} changed: the probe had it after ${ms} ms`);
  }
  await edgeProbe.stop(15_000);

  // --- (c2) a revoked token, while its probe waits in a long-poll, until the probe process exits.
  const revocations: Array<{ refusedMs: number; exitMs: number; code: number | null }> = [];
  for (let k = 0; k < REPEATS; k++) {
    const made = await tokenFor("spare");
    const probe = spawnProbe(base, made.token, []);
    await probe.nextLine((m) => m.startsWith("assignments:"), 120_000);
    await sleep(1_000 + Math.round(Math.random() * 2_000));
    const refused = probe.nextLine((m) => m.includes("refused the probe token"), 60_000);
    const t0 = Date.now();
    await api(base, key, "DELETE", `/api/v1/probe-tokens/${made.id}`);
    const exit = await probe.exited;
    const r = { refusedMs: (await refused) - t0, exitMs: exit.at - t0, code: exit.code };
    revocations.push(r);
    progress("revoke", `refused after ${r.refusedMs} ms, exited (code ${r.code}) after ${r.exitMs} ms`);
  }
  const loadAfter = loadAverage();
  for (const child of [inCluster!, evaluator!, scheduler!, apiChild]) await child.stop(15_000);
  await target.stop();

  const baseline = (before.perSecond + after.perSecond) / 2;
  const probeCpu = (m: Measured) => per1k(m, ["probe role"]);
  const remoteCpu = per1k(remote, ["remote probe"]);
  const baselineCpu = (probeCpu(before) + probeCpu(after)) / 2;
  const everything = (m: Measured) => per1k(m, [...m.cpu.keys()]);
  const wire = (m: Measured) => {
    const b = m.bytes ?? { up: 0, down: 0 };
    const n = Math.max(1, m.checks);
    return `${f((b.up + b.down) / n)} (${f(b.up / n)} up, ${f(b.down / n)} down)`;
  };
  const row = (name: string, cells: string[]) => `| ${name} | ${cells.join(" | ")} |`;
  const cpuRow = (name: string) =>
    row(`CPU-s / 1,000 checks: ${name}`, [
      f(per1k(before, [name]), 2),
      f(per1k(remote, [name]), 2),
      f(per1k(after, [name]), 2),
      "",
    ]);
  // A phase that did (nearly) every due check was not saturated: its rate is a lower bound.
  const sat = (m: Measured) =>
    m.perSecond >= 0.95 * (MONITORS / INTERVAL_S)
      ? `≥ ${f(m.perSecond)} (kept up: not saturated)`
      : f(m.perSecond);
  const list = (xs: number[]) => xs.map((x) => f(x)).join(", ");
  return [
    `Command: \`${stamp.command}\`  `,
    `Date: ${stamp.date}  `,
    `Code: ${codeVersion(REPO_ROOT)}  `,
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGb} GB, Node ${machine.node}; load average ${loadBefore} before, ${loadAfter} after — shared with other engineers' builds and tests: every figure is under that load`,
    "",
    `Roles as processes (api, scheduler, evaluator, probe role) on a fresh PostgreSQL database and a redis-server of our own. Two sets of ${MONITORS} http monitors at ${INTERVAL_S} s (${f(MONITORS / INTERVAL_S)} due/s each, meant to be more than either probe keeps up with), one in region \`local\` (checked by the probe role), one in the remote region \`remote\` (checked by one \`upblit probe\`); only one set's schedules are on at a time. Both probes run ${CONCURRENCY} checks at once and log at \`info\`. Each phase: ${WARMUP_S} s warm-up, ${WINDOW_S} s measured; the in-cluster phase runs before and after the remote one.`,
    "",
    "| saturated | in-cluster (before) | remote probe | in-cluster (after) | remote ÷ in-cluster (mean) |",
    "| --- | --- | --- | --- | --- |",
    row(`checks/s (${f(MONITORS / INTERVAL_S)} due/s)`, [
      sat(before),
      sat(remote),
      sat(after),
      f(remote.perSecond / baseline, 2),
    ]),
    row("CPU-s / 1,000 checks: the probe", [
      f(probeCpu(before), 2),
      f(remoteCpu, 2),
      f(probeCpu(after), 2),
      f(remoteCpu / baselineCpu, 2),
    ]),
    cpuRow("api"),
    cpuRow("scheduler"),
    cpuRow("evaluator"),
    row("CPU-s / 1,000 checks: every Upblit process", [
      f(everything(before), 2),
      f(everything(remote), 2),
      f(everything(after), 2),
      f(everything(remote) / ((everything(before) + everything(after)) / 2), 2),
    ]),
    row("peak RSS of the probe, MB", [
      f(before.rss.get("probe role") ?? 0),
      f(remote.rss.get("remote probe") ?? 0),
      f(after.rss.get("probe role") ?? 0),
      "",
    ]),
    row("bytes on the wire / check", ["–", wire(remote), "–", ""]),
    "",
    `At an ordinary pace: ${PACED_MONITORS} monitors at ${PACED_INTERVAL_S} s in region \`edge\` (${f(PACED_MONITORS / PACED_INTERVAL_S, 1)} due/s), one probe, ${PACED_WINDOW_S} s measured: ${f(paced.perSecond, 1)} checks/s, **${wire(paced)} bytes on the wire per check** (claims, results, the assignments' 304s every 15 s; ${pacedRelay.connections()} TCP connections in all), remote probe CPU ${f(per1k(paced, ["remote probe"]), 2)} s / 1,000 checks. Bytes are TCP payload through a relay in the bench (HTTP/1.1 headers and JSON bodies, no TLS; behind TLS add about 29 bytes per record and a handshake per connection).`,
    "",
    `| propagation (${REPEATS} times) | median ms | max ms | each, ms |`,
    "| --- | --- | --- | --- |",
    row("monitor edited (target or interval, in turn) → the probe has its new assignments", [
      f(median(edits)),
      f(Math.max(...edits)),
      list(edits),
    ]),
    row("token revoked (DELETE sent) → the probe logs the refusal", [
      f(median(revocations.map((r) => r.refusedMs))),
      f(Math.max(...revocations.map((r) => r.refusedMs))),
      list(revocations.map((r) => r.refusedMs)),
    ]),
    row(
      `token revoked → the probe process has exited (codes ${[...new Set(revocations.map((r) => r.code))].join(", ")})`,
      [
        f(median(revocations.map((r) => r.exitMs))),
        f(Math.max(...revocations.map((r) => r.exitMs))),
        list(revocations.map((r) => r.exitMs)),
      ],
    ),
    "",
    `The edited monitor is at 60 s, edited at a random moment: the probe learns a change with the monitor's next slot (it carries the new revision) or its periodic refresh of the assignments (every 15 s), whichever comes first. The revoked probe waits in a long-poll (its region's one monitor is at 60 s), which re-checks its token every 500 ms.`,
  ].join("\n");
}

await runBench(main, {
  name: "remote-probe",
  title: "## Remote probes against the in-cluster probe (npm run bench:remote-probe)",
  write: WRITE_DOCS,
});
