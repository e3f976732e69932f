import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Fastify from "fastify";
import { request } from "undici";
import type { Running } from "../../src/main.ts";
import { createMonitors, setUpOwner } from "./api.ts";
import { onCleanup, trackDir } from "./cleanup.ts";
import { progress } from "./progress.ts";
import { type LoadResult, runAutocannon } from "./status-load.ts";
import { freePort, REPO_ROOT } from "./upblit-child.ts";

/** Upblit's compiled modules (dist/, what `npm start` runs), typed by their sources. */
interface Dist {
  main: typeof import("../../src/main.ts");
  config: typeof import("../../src/config/load.ts");
  logger: typeof import("../../src/lib/logger.ts");
  rateLimits: typeof import("../../src/services/rate-limit/settings.ts");
}

function load<T>(relative: string): Promise<T> {
  return import(pathToFileURL(path.join(REPO_ROOT, "dist", relative)).href) as Promise<T>;
}

export interface StatusRunSpec {
  components: number;
  groups: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

/** One target under load: Upblit's route and the bare route with a body of the same size. */
export interface StatusPair {
  name: string;
  path: string;
  bodyBytes: number;
  upblit: LoadResult;
  bare: LoadResult;
  /** This process's CPU (Upblit or the bare server; the bench's own work is idle) per 1,000 requests. */
  upblitCpuMsPerRequest: number;
  bareCpuMsPerRequest: number;
}

export interface StatusRunResult {
  spec: StatusRunSpec;
  pairs: StatusPair[];
  problems: string[];
}

async function fetchText(url: string): Promise<string> {
  const res = await request(url);
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  return text;
}

/** The body as Upblit sends it to a client that accepts brotli (the bytes on the wire). */
async function fetchBrotli(url: string): Promise<Buffer> {
  const res = await request(url, { headers: { "accept-encoding": "br" } });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200 || res.headers["content-encoding"] !== "br")
    throw new Error(
      `GET ${url} (br): HTTP ${res.statusCode}, content-encoding ${res.headers["content-encoding"]}`,
    );
  return bytes;
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

/**
 * A bare Fastify server in this process answering each path with a fixed body and type: as it is,
 * or, when the request accepts brotli, the same brotli bytes Upblit sends (the ceiling for
 * serving precompressed bytes).
 */
async function startBare(routes: Array<{ path: string; type: string; body: string; brotli: Buffer }>) {
  const app = Fastify({ logger: false });
  for (const r of routes)
    app.get(r.path, async (req, reply) =>
      String(req.headers["accept-encoding"] ?? "").includes("br")
        ? reply.type(r.type).header("content-encoding", "br").send(r.brotli)
        : reply.type(r.type).send(r.body),
    );
  const port = await freePort();
  await app.listen({ host: "127.0.0.1", port });
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= app.close();
    return closed;
  };
  onCleanup(close);
  return { origin: `http://127.0.0.1:${port}`, close };
}

/** Load with autocannon and this process's CPU time over the run. */
async function measured(url: string, seconds: number, connections: number, headers: Record<string, string>) {
  const cpu0 = process.cpuUsage();
  const load = await runAutocannon(url, seconds, connections, headers);
  const cpu = process.cpuUsage(cpu0);
  const total = load.ok + load.non2xx;
  return { load, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, total) };
}

/**
 * Starts Upblit in this process (role api, compiled code, fresh PGlite), sets up the owner,
 * creates the monitors and one public page showing them through the API, then loads the page
 * and its summary.json with autocannon, each right after a bare Fastify route in this same
 * process that returns a static body of the same size (the ceiling).
 */
export async function runStatus(spec: StatusRunSpec): Promise<StatusRunResult> {
  const dist: Dist = {
    main: await load("main.js"),
    config: await load("config/load.js"),
    logger: await load("lib/logger.js"),
    rateLimits: await load("services/rate-limit/settings.js"),
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
  const running: Running = await dist.main.startUpblit(config, log, {
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
  onCleanup(stop);
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
  const targets = [
    { name: "page (HTML)", path: `/status/${slug}`, type: "text/html; charset=utf-8" },
    {
      name: "summary.json",
      path: `/status/${slug}/api/v2/summary.json`,
      type: "application/json; charset=utf-8",
    },
  ];
  const bodies = await Promise.all(targets.map((t) => fetchText(`${url}${t.path}`)));
  const brotlis = await Promise.all(targets.map((t) => fetchBrotli(`${url}${t.path}`)));
  const bare = await startBare(
    targets.map((t, i) => ({ path: t.path, type: t.type, body: bodies[i] ?? "", brotli: brotlis[i]! })),
  );
  progress("setup", `page /status/${slug} with ${monitors.length} components; bare server ${bare.origin}`);

  const pairs: StatusPair[] = [];
  const variants = [
    { label: "", headers: {} as Record<string, string> },
    { label: ", brotli", headers: { "accept-encoding": "br" } },
  ];
  for (const [i, t] of targets.entries()) {
    for (const v of variants) {
      const name = `${t.name}${v.label}`;
      for (const origin of [bare.origin, url])
        await runAutocannon(`${origin}${t.path}`, spec.warmupSeconds, spec.connections, v.headers);
      const b = await measured(`${bare.origin}${t.path}`, spec.seconds, spec.connections, v.headers);
      progress(
        "bare",
        `${name}: ${b.load.requestsPerSecond.toFixed(0)} req/s, p99 ${b.load.latencyMs.p99} ms`,
      );
      const u = await measured(`${url}${t.path}`, spec.seconds, spec.connections, v.headers);
      progress(
        "upblit",
        `${name}: ${u.load.requestsPerSecond.toFixed(0)} req/s, p99 ${u.load.latencyMs.p99} ms`,
      );
      pairs.push({
        name,
        path: t.path,
        bodyBytes: v.label ? brotlis[i]!.length : Buffer.byteLength(bodies[i] ?? ""),
        upblit: u.load,
        bare: b.load,
        upblitCpuMsPerRequest: u.cpuMsPerRequest,
        bareCpuMsPerRequest: b.cpuMsPerRequest,
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
  return { spec, pairs, problems };
}
