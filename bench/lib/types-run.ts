/**
 * `npm run bench:checks -- --type X|all`: what a check of each monitor type costs Upblit, beside a
 * bare client of the same protocol doing the same exchange at the same pace in the same run
 * (docs/benchmarks.md, "Checks per monitor type").
 */
import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { SETUP_LINK_MESSAGE } from "../../src/main.ts";
import { MONITOR_TYPE_LIST } from "../../src/monitor-types/registry.ts";
import { createMonitors, setUpOwner } from "./api.ts";
import { trackDir, trackPid } from "./cleanup.ts";
import { runStamp, writeDocsSection } from "./docs.ts";
import { codeVersion, loadAverage, machineInfo, processCpuWithChildrenMs } from "./proc.ts";
import { progress, sleep } from "./progress.ts";
import { TYPE_CASES } from "./type-cases.ts";
import { startTypeServers, type TypeTargets } from "./type-servers.ts";
import { migrateDataDir, REPO_ROOT, spawnUpblit, type UpblitChild } from "./upblit-child.ts";

export interface TypesArgs {
  /** Types to run, in order. */
  types: string[];
  monitors: number;
  intervalS: number;
  durationS: number;
  writeDocs: boolean;
  argv: string[];
}

/** The types Upblit probes (every registered one but the pushed ones), in registry order. */
export function probedTypes(): string[] {
  return MONITOR_TYPE_LIST.filter((t) => !t.passive).map((t) => t.type);
}

export interface TypeRow {
  type: string;
  /** Why there is no figure, when there is none. */
  skipped?: string;
  checks: number;
  statuses: Record<string, number>;
  upblitCpuPer1k: number;
  bareChecks: number;
  bareErrors: number;
  bareCpuPer1k: number;
  latenessP99: number | null;
  bareLabel: string;
  problems: string[];
}

interface BareResult {
  perSecond: number;
  seconds: number;
  checks: number;
  errors: number;
  cpuSeconds: number;
}

const PACED_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "type-paced.ts");

function measureBare(type: string, targets: TypeTargets, perSecond: number, ms: number): Promise<BareResult> {
  const child = fork(PACED_SCRIPT, [type, JSON.stringify(targets), String(perSecond), String(ms), "3000"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const untrack = child.pid ? trackPid(child.pid) : () => {};
  progress(type, `bare client at ${perSecond.toFixed(1)}/s for ${ms / 1000} s after 3 s (pid ${child.pid})`);
  return new Promise<BareResult>((resolve, reject) => {
    child.once("message", (m) => resolve(m as BareResult));
    child.once("exit", (code) => reject(new Error(`bare client exited (${code}) without a result`)));
  }).finally(untrack);
}

/** An API key for the monitors, made with the owner's (short-lived) access token. */
async function createApiKey(base: string, accessToken: string): Promise<string> {
  const res = await request(`${base}/api/v1/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", scopes: ["monitors:read", "monitors:write"] }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201)
    throw new Error(`POST /api/v1/api-keys → ${res.statusCode}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { token: string }).token;
}

/** One API call of the bench (the owner's token), JSON in and out. */
async function callApi<T>(base: string, token: string, method: string, url: string): Promise<T> {
  const res = await request(`${base}${url}`, {
    method: method as "GET",
    headers: { authorization: `Bearer ${token}` },
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function monitorIds(base: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  // Bounded: one page of 100 per call, until the list ends.
  do {
    const page: { items: Array<{ id: string }>; nextCursor: string | null } = await callApi(
      base,
      token,
      "GET",
      `/api/v1/monitors?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    ids.push(...page.items.map((m) => m.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

interface ResultRow {
  slotAt: string;
  latenessMs: number;
  status: string;
  manual: boolean;
}

/** The scheduled checks that started in [fromMs, toMs), read through the API, and their lateness p99. */
async function windowResults(base: string, token: string, ids: string[], fromMs: number, toMs: number) {
  const statuses: Record<string, number> = {};
  const lateness: number[] = [];
  const from = new Date(fromMs - 60_000).toISOString();
  for (const id of ids) {
    const page: { items: ResultRow[] } = await callApi(
      base,
      token,
      "GET",
      `/api/v1/monitors/${id}/results?limit=200&from=${encodeURIComponent(from)}`,
    );
    for (const r of page.items) {
      const started = Date.parse(r.slotAt) + r.latenessMs;
      if (r.manual || started < fromMs || started >= toMs) continue;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      lateness.push(r.latenessMs);
    }
  }
  lateness.sort((a, b) => a - b);
  const p99 = lateness.length
    ? (lateness[Math.min(lateness.length - 1, Math.floor(lateness.length * 0.99))] ?? null)
    : null;
  return { checks: lateness.length, statuses, latenessP99: p99 };
}

async function runType(
  type: string,
  targets: TypeTargets,
  upblit: { url: string; token: string; pid: number },
  args: TypesArgs,
): Promise<TypeRow> {
  const typeCase = TYPE_CASES[type];
  const empty = { checks: 0, statuses: {}, upblitCpuPer1k: 0, bareChecks: 0, bareErrors: 0, bareCpuPer1k: 0 };
  if (!typeCase) {
    return { type, ...empty, latenessP99: null, bareLabel: "-", problems: [], skipped: "no bench case" };
  }
  const creation = await createMonitors(
    upblit.url,
    upblit.token,
    args.monitors,
    {
      targetOrigin: targets.http,
      intervalSeconds: args.intervalS,
      timeoutMs: Math.min(5_000, args.intervalS * 500),
      body: (i) => typeCase.monitor(targets, i),
    },
    8,
    type,
  );
  const ids = await monitorIds(upblit.url, upblit.token);
  try {
    if (creation.created === 0) throw new Error(`no ${type} monitor created: ${creation.firstErrors[0]}`);
    // One interval and a bit: every monitor's first check (pending → up) falls before the window;
    // the bare client's own warm-up (3 s) ends as the window opens.
    const perSecond = creation.created / args.intervalS;
    const warmupMs = (args.intervalS + 3) * 1000;
    progress(type, `${creation.created} monitors at ${args.intervalS} s; warming up ${warmupMs / 1000} s`);
    await sleep(warmupMs - 3_000);
    const bare = measureBare(type, targets, perSecond, args.durationS * 1000);
    await sleep(3_000);
    const fromMs = Date.now();
    const cpu0 = processCpuWithChildrenMs(upblit.pid);
    const toMs = fromMs + args.durationS * 1000;
    // Bounded: one line every 5 s until the window ends.
    while (Date.now() < toMs) {
      await sleep(Math.min(5_000, toMs - Date.now()));
      progress(type, `${((Date.now() - fromMs) / 1000).toFixed(0)}/${args.durationS} s measured`);
    }
    const cpuSeconds = (processCpuWithChildrenMs(upblit.pid) - cpu0) / 1000;
    const endMs = Date.now();
    const bareResult = await bare;
    const stats = await windowResults(upblit.url, upblit.token, ids, fromMs, endMs);
    return {
      type,
      checks: stats.checks,
      statuses: stats.statuses,
      upblitCpuPer1k: (cpuSeconds / Math.max(1, stats.checks)) * 1000,
      bareChecks: bareResult.checks,
      bareErrors: bareResult.errors,
      bareCpuPer1k: (bareResult.cpuSeconds / Math.max(1, bareResult.checks)) * 1000,
      latenessP99: stats.latenessP99,
      bareLabel: typeCase.bareLabel,
      problems: [],
    };
  } finally {
    // The next type starts on an empty list.
    for (const id of ids) await callApi(upblit.url, upblit.token, "DELETE", `/api/v1/monitors/${id}`);
  }
}

const fmt = (n: number, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

export function renderTypes(rows: TypeRow[], head: string): string {
  const lines = [
    head,
    "",
    "| type | checks (up) | Upblit CPU-s / 1,000 | bare CPU-s / 1,000 | ratio | p99 lateness | bare client |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    if (r.skipped) {
      lines.push(`| ${r.type} | - | - | - | - | - | ${r.skipped} |`);
      continue;
    }
    const up = (r.statuses.up ?? 0) + (r.statuses.degraded ?? 0);
    const bareNote = r.bareErrors ? ` (${r.bareErrors} failed)` : "";
    lines.push(
      `| ${r.type} | ${r.checks} (${up}) | ${fmt(r.upblitCpuPer1k)} | ${fmt(r.bareCpuPer1k)}${bareNote} | ` +
        `${fmt(r.upblitCpuPer1k / r.bareCpuPer1k, 1)}× | ${r.latenessP99 === null ? "-" : `${Math.round(r.latenessP99)} ms`} | ${r.bareLabel} |`,
    );
  }
  const problems = rows.flatMap((r) => r.problems.map((p) => `- ${r.type}: ${p}`));
  if (problems.length) lines.push("", "Warnings Upblit logged:", "", ...problems);
  return lines.join("\n");
}

const BEGIN = "<!-- bench:checks-types:begin (written by npm run bench:checks -- --type all) -->";
const END = "<!-- bench:checks-types:end -->";

export async function runTypesBench(args: TypesArgs): Promise<string> {
  const machine = machineInfo();
  const loadBefore = loadAverage();
  const stamp = runStamp("bench:checks", args.argv);
  progress(
    "types",
    `${machine.nproc} CPUs, load ${loadBefore}; ${args.types.join(",")}: ${args.monitors} monitors at ` +
      `${args.intervalS} s, ${args.durationS} s measured each`,
  );
  const servers = await startTypeServers();
  const dataDir = mkdtempSync(path.join(tmpdir(), "upblit-bench-types-"));
  const removeData = trackDir(dataDir);
  const rows: TypeRow[] = [];
  let child: UpblitChild | undefined;
  try {
    await migrateDataDir(dataDir);
    child = await spawnUpblit({
      env: {
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        MIN_INTERVAL_SECONDS: String(args.intervalS),
        SHUTDOWN_TIMEOUT_SECONDS: "10",
      },
    });
    await child.waitReady(180_000);
    const setupLine = await child.waitForLog(SETUP_LINK_MESSAGE, 30_000);
    const accessToken = await setUpOwner(child.url, String(setupLine.setupUrl));
    // An API key, not the access token: a run of every type outlives the token's 15 minutes.
    const token = await createApiKey(child.url, accessToken);
    const upblit = { url: child.url, token, pid: child.pid };
    progress("types", `upblit pid ${child.pid} ready`);
    for (const type of args.types) {
      const problemsBefore = child.problems.length;
      try {
        rows.push(await runType(type, servers.targets, upblit, args));
      } catch (err) {
        progress(type, `FAILED: ${(err as Error).message}`);
        rows.push({
          type,
          checks: 0,
          statuses: {},
          upblitCpuPer1k: 0,
          bareChecks: 0,
          bareErrors: 0,
          bareCpuPer1k: 0,
          latenessP99: null,
          bareLabel: "-",
          problems: [],
          skipped: `failed: ${(err as Error).message.split("\n")[0]?.slice(0, 200)}`,
        });
      }
      const last = rows.at(-1)!;
      last.problems = child.problems
        .slice(problemsBefore, problemsBefore + 3)
        .map((l) => `${l.msg} ${JSON.stringify(l.err ?? l.error ?? "").slice(0, 200)}`);
      if (!last.skipped)
        progress(
          type,
          `upblit ${fmt(last.upblitCpuPer1k)} CPU-s/1k over ${last.checks} checks; bare ${fmt(last.bareCpuPer1k)}`,
        );
    }
  } finally {
    await child?.stop(30_000);
    await servers.close();
    removeData();
  }
  const head =
    `\`${stamp.command}\`, ${stamp.date}, code ${codeVersion(REPO_ROOT)}; ${machine.nproc} × ${machine.cpuModel}, ` +
    `node ${machine.node}; load average ${loadBefore} before, ${loadAverage()} after (a machine shared with ` +
    `other work: figures move between runs). ${args.monitors} monitors of the type at ${args.intervalS} s ` +
    `(${(args.monitors / args.intervalS).toFixed(1)} checks/s), ${args.durationS} s measured after one interval; ` +
    "the bare client at the same pace over the same window, in its own process.";
  const text = renderTypes(rows, head);
  if (args.writeDocs) {
    writeDocsSection(
      { begin: BEGIN, end: END, intro: "## Checks per monitor type: `npm run bench:checks -- --type all`\n" },
      text,
    );
    progress("types", "wrote docs/benchmarks.md");
  }
  return text;
}
