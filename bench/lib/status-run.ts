import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { request } from "undici";
import type { Running } from "../../src/main.ts";
import { createMonitors, setUpOwner } from "./api.ts";
import { onCleanup, trackDir } from "./cleanup.ts";
import { summarizeProfile } from "./profile-summary.ts";
import { progress } from "./progress.ts";
import { median } from "./stats.ts";
import { ACCEPT, type Captured, type Coding, capture, startBare } from "./status-bare.ts";
import { BenchClock, writeHistory } from "./status-history.ts";
import { type LoadResult, runAutocannon } from "./status-load.ts";
import { combineLoads, roundRatios, type StatusRound } from "./status-rounds.ts";
import { freePort, REPO_ROOT } from "./upblit-child.ts";

/** Upblit's compiled modules (dist/, what `npm start` runs), typed by their sources. */
interface Dist {
  main: typeof import("../../src/main.ts");
  config: typeof import("../../src/config/load.ts");
  logger: typeof import("../../src/lib/logger.ts");
  rateLimits: typeof import("../../src/services/rate-limit/settings.ts");
  record: typeof import("../../src/services/checks/record-results.ts");
  maintain: typeof import("../../src/services/checks/maintain.ts");
}

function load<T>(relative: string): Promise<T> {
  return import(pathToFileURL(path.join(REPO_ROOT, "dist", relative)).href) as Promise<T>;
}

export interface StatusRunSpec {
  components: number;
  groups: number;
  days: number;
  intervalMinutes: number;
  /** Seconds of one measured window (one server, one round). */
  seconds: number;
  /** Windows per server and row: bare and Upblit alternate, the median ratio is reported. */
  rounds: number;
  warmupSeconds: number;
  connections: number;
  codings: Coding[];
  /** Write a CPU profile of each measured run here (the figures are then not for the docs). */
  profileDir: string | undefined;
}

/** A route's body: its bytes uncompressed and on the wire in each coding. */
export interface StatusBody {
  name: string;
  path: string;
  bytes: Record<Coding, number>;
}

/** One target under load: Upblit's route and the bare route answering its bytes, in one coding. */
export interface StatusPair {
  name: string;
  path: string;
  coding: Coding;
  wireBytes: number;
  /** Each server's rounds combined (status-rounds.ts `combineLoads`). */
  upblit: LoadResult;
  bare: LoadResult;
  rounds: StatusRound[];
  /** The median of the rounds' ratios: what the target is read against. */
  ratio: number;
  /** The bench process's CPU (Upblit or the bare server; the bench's own work is idle) per response. */
  upblitCpuMsPerRequest: number;
  bareCpuMsPerRequest: number;
}

export interface StatusRunResult {
  spec: StatusRunSpec;
  history: { results: number; seconds: number };
  bodies: StatusBody[];
  pairs: StatusPair[];
  problems: string[];
  profiles: string[];
}

async function createPage(url: string, token: string, monitorIds: string[], groups: number): Promise<string> {
  const perGroup = Math.ceil(monitorIds.length / groups);
  const slug = "bench";
  const res = await request(`${url}/api/v1/status-pages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      slug,
      title: "Bench Cloud",
      description: "A page of the status benchmark",
      footerText: "Questions? support@bench.example",
      historyDays: 90,
      groups: Array.from({ length: groups }, (_, g) => ({
        name: `Group ${g + 1}`,
        components: monitorIds
          .slice(g * perGroup, (g + 1) * perGroup)
          .map((monitorId, i) => ({ monitorId, displayName: `Service ${g + 1}.${i + 1}` })),
      })).filter((g) => g.components.length > 0),
    }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201)
    throw new Error(`creating the page: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  return slug;
}

/** Load with autocannon, this process's CPU time over the run, and optionally a CPU profile of it. */
async function measured(
  url: string,
  spec: StatusRunSpec,
  headers: Record<string, string>,
  profileFile: string | undefined,
) {
  const session = profileFile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const cpu0 = process.cpuUsage();
  const load = await runAutocannon(url, spec.seconds, spec.connections, headers);
  const cpu = process.cpuUsage(cpu0);
  if (session && profileFile) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
  }
  return { load, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Starts Upblit in this process (role api, compiled code, fresh PGlite, a clock the bench holds
 * while it writes history), sets up the owner, creates the monitors and one public page showing
 * them through the API, gives every monitor `days` of results (status-history.ts), then loads the
 * page and its summary.json with autocannon in each content coding, each right after a bare
 * Fastify route in this same process answering the same bytes and headers (the ceiling).
 */
export async function runStatus(spec: StatusRunSpec): Promise<StatusRunResult> {
  const dist: Dist = {
    main: await load("main.js"),
    config: await load("config/load.js"),
    logger: await load("lib/logger.js"),
    rateLimits: await load("services/rate-limit/settings.js"),
    record: await load("services/checks/record-results.js"),
    maintain: await load("services/checks/maintain.js"),
  };
  const dir = mkdtempSync(path.join(tmpdir(), "upblit-bench-status-"));
  const removeDir = trackDir(dir);
  const config = dist.config.loadConfig({
    DATA_DIR: path.join(dir, "data"),
    UPBLIT_ROLES: "api",
    HOST: "127.0.0.1",
    PORT: String(await freePort()),
    LOG_LEVEL: "info",
  });
  const logFile = path.join(dir, "upblit.log");
  const log = dist.logger.createLogger(config.log.level, createWriteStream(logFile));
  // Setup and load come from one address: the per-user API limit and the public routes' per-IP
  // limit would refuse most of it. The limiters still run on every request, with room.
  const roomy = { limit: 1_000_000_000, seconds: 60 };
  const clock = new BenchClock();
  const running: Running = await dist.main.startUpblit(config, log, {
    clock,
    rateLimits: {
      ...dist.rateLimits.RATE_LIMITS,
      api: { perKey: roomy, perUser: roomy },
      status: { perIp: roomy },
    },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop();
  };
  onCleanup(stop, "Upblit (in process)");
  const url = running.url;
  if (!url || !running.setupUrl) throw new Error("Upblit started without the API or without a setup link");
  progress("setup", `Upblit (api) at ${url}`);
  const token = await setUpOwner(url, running.setupUrl);
  const creation = await createMonitors(
    url,
    token,
    spec.components,
    { targetOrigin: "http://127.0.0.1:9", intervalSeconds: 3600, timeoutMs: 10_000 },
    8,
    "setup",
  );
  if (creation.failed > 0) throw new Error(`creating monitors: ${creation.firstErrors.join("; ")}`);
  const monitors = await running.rt.db.selectFrom("monitors").select("id").orderBy("id").execute();
  const slug = await createPage(
    url,
    token,
    monitors.map((m) => m.id),
    spec.groups,
  );
  progress(
    "history",
    `${spec.days} days of results every ${spec.intervalMinutes} min for ${monitors.length} monitors`,
  );
  const history = await writeHistory(
    running,
    clock,
    { recordResults: dist.record.recordResults, refreshRollups: dist.maintain.refreshRollups },
    { days: spec.days, intervalMinutes: spec.intervalMinutes },
  );
  progress("history", `${history.results} results in ${history.seconds.toFixed(1)} s`);

  const targets = [
    { name: "page (HTML)", path: `/status/${slug}` },
    { name: "summary.json", path: `/status/${slug}/api/v2/summary.json` },
  ];
  const codings: Coding[] = ["identity", "br", "gzip"];
  const captured: Captured[][] = [];
  for (const t of targets)
    captured.push(await Promise.all(codings.map((c) => capture(`${url}${t.path}`, c))));
  const bodies: StatusBody[] = targets.map((t, i) => ({
    ...t,
    bytes: Object.fromEntries(captured[i]!.map((a) => [a.coding, a.body.length])) as Record<Coding, number>,
  }));
  const bare = await startBare(targets.map((t, i) => ({ path: t.path, answers: captured[i]! })));
  progress("setup", `page /status/${slug} with ${monitors.length} components; bare server ${bare.origin}`);
  if (spec.profileDir) mkdirSync(spec.profileDir, { recursive: true });

  const pairs: StatusPair[] = [];
  const profiles: string[] = [];
  for (const [i, t] of targets.entries()) {
    for (const coding of spec.codings) {
      const name = `${t.name}${coding === "identity" ? "" : `, ${coding}`}`;
      const headers = ACCEPT[coding];
      for (const origin of [bare.origin, url])
        await runAutocannon(`${origin}${t.path}`, spec.warmupSeconds, spec.connections, headers);
      const file = (server: string) =>
        spec.profileDir
          ? path.join(spec.profileDir, `${i === 0 ? "page" : "summary"}-${coding}-${server}.cpuprofile`)
          : undefined;
      const rounds: StatusRound[] = [];
      for (let round = 0; round < spec.rounds; round++) {
        // Alternate who goes first; profile the first round only.
        const order = round % 2 === 0 ? (["bare", "upblit"] as const) : (["upblit", "bare"] as const);
        const got: Partial<Record<"bare" | "upblit", Awaited<ReturnType<typeof measured>>>> = {};
        for (const server of order) {
          const origin = server === "bare" ? bare.origin : url;
          got[server] = await measured(
            `${origin}${t.path}`,
            spec,
            headers,
            round === 0 ? file(server) : undefined,
          );
        }
        const b = got.bare!;
        const u = got.upblit!;
        rounds.push({ bare: b.load, upblit: u.load, bareCpuMs: b.cpuMs, upblitCpuMs: u.cpuMs });
        progress(
          `${name} ${round + 1}/${spec.rounds}`,
          `bare ${b.load.requestsPerSecond.toFixed(0)} req/s, Upblit ${u.load.requestsPerSecond.toFixed(0)} req/s: ` +
            `${(u.load.requestsPerSecond / b.load.requestsPerSecond).toFixed(2)}×`,
        );
      }
      for (const server of ["bare", "upblit"]) {
        const f = file(server);
        if (f) profiles.push(`## ${path.basename(f)}\n${summarizeProfile(f, undefined, 25).join("\n")}`);
      }
      const perRequest = (cpuMs: number[], loads: LoadResult[]) =>
        cpuMs.reduce((a, b) => a + b, 0) /
        Math.max(
          1,
          loads.reduce((a, l) => a + l.ok + l.non2xx, 0),
        );
      pairs.push({
        name,
        path: t.path,
        coding,
        wireBytes: bodies[i]!.bytes[coding],
        upblit: combineLoads(rounds.map((r) => r.upblit)),
        bare: combineLoads(rounds.map((r) => r.bare)),
        rounds,
        ratio: median(roundRatios(rounds)),
        upblitCpuMsPerRequest: perRequest(
          rounds.map((r) => r.upblitCpuMs),
          rounds.map((r) => r.upblit),
        ),
        bareCpuMsPerRequest: perRequest(
          rounds.map((r) => r.bareCpuMs),
          rounds.map((r) => r.bare),
        ),
      });
    }
  }
  await bare.close();
  await stop();
  const problems = readFileSync(logFile, "utf8")
    .split("\n")
    .flatMap((line) => {
      if (!line) return [];
      const entry = JSON.parse(line) as { level: number; msg: string };
      return entry.level >= 40 && entry.msg !== dist.main.SETUP_LINK_MESSAGE ? [entry.msg] : [];
    });
  removeDir();
  return { spec, history, bodies, pairs, problems, profiles };
}
