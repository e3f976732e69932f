import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { onCleanup, trackPid } from "./cleanup.ts";
import { processCpuMs, processMemoryMb } from "./proc.ts";
import { sleep, withTimeout } from "./progress.ts";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * The compiled entry point `npm start` runs (`npm run bench:checks` builds it first).
 * UPBLIT_BENCH_ENTRY points at another build (say a copy of dist/ made before a change, kept
 * inside the checkout so it finds node_modules) to measure it side by side.
 */
export const UPBLIT_ENTRY = process.env.UPBLIT_BENCH_ENTRY
  ? path.resolve(process.env.UPBLIT_BENCH_ENTRY)
  : path.join(REPO_ROOT, "dist/cli/main.js");

export interface LogLine {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

export interface UpblitChild {
  pid: number;
  url: string;
  /** Date.now() just before spawn. */
  spawnedAt: number;
  /** Lines at warn and above, the first 50. */
  problems: LogLine[];
  problemCount: number;
  /** How it ended, if it has; and the last of its stderr. */
  exitStatus(): string | undefined;
  stderrTail(): string;
  /** Resolves with the first log line whose msg is `msg` (seen already or still to come). */
  waitForLog(msg: string, timeoutMs: number): Promise<LogLine>;
  /** Polls /readyz until 200; returns Date.now() at that moment. */
  waitReady(timeoutMs: number): Promise<number>;
  cpuMs(): number;
  memoryMb(): { rss: number; peak: number };
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with how it ended and how long it took. */
  stop(timeoutMs: number): Promise<{ code: number | null; signal: string | null; ms: number }>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("no free port");
  return address.port;
}

/** A clean environment: nothing of ours leaks into Upblit (DATABASE_URL included), plus `extra`. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(
    ["PATH", "HOME", "TMPDIR", "LANG", "PROBE_THREADS", "WASM_OPTIMIZE"].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]]] : [],
    ),
  );
  // Creating 10,000 monitors in ~30 s is far above the default API rate limits (600 and 1,200 a minute).
  const bulk = { API_RATE_LIMIT_PER_KEY: "1000000", API_RATE_LIMIT_PER_USER: "1000000" };
  return { ...base, HOST: "127.0.0.1", ALLOW_PRIVATE_TARGETS: "true", ...bulk, ...extra };
}

/**
 * `upblit migrate` on a fresh DATA_DIR: PGlite's initdb runs here, in its own process, so the
 * measured `start` opens an existing database as it does on every start but the very first.
 * Returns its duration and peak RSS (VmHWM, sampled every 50 ms until it exits).
 */
export async function migrateDataDir(dataDir: string): Promise<{ ms: number; peakRssMb: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [UPBLIT_ENTRY, "migrate"], {
    cwd: REPO_ROOT,
    env: childEnv({ DATA_DIR: dataDir, LOG_LEVEL: "warn" }),
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (child.pid === undefined) throw new Error("could not spawn upblit migrate");
  const pid = child.pid;
  const untrack = trackPid(pid);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    try {
      peakRssMb = Math.max(peakRssMb, processMemoryMb(pid).peak);
    } catch {
      // exited between samples
    }
  }, 50);
  // Generous: on the shared machine (load 30–70 on 2 CPUs) initdb has taken over two minutes.
  const killer = setTimeout(() => child.kill("SIGKILL"), 600_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  clearTimeout(killer);
  untrack();
  if (code !== 0) throw new Error(`upblit migrate exited with ${code}: ${stderr}`);
  return { ms: Date.now() - t0, peakRssMb };
}

/** The node flags of package.json's `start` script (`node [flags] dist/cli/main.js start`), none today. */
export const START_NODE_FLAGS: string[] = (() => {
  const start =
    (
      JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts.start ?? "";
  const words = start.split(/\s+/);
  return words
    .slice(words.indexOf("node") + 1, words.indexOf("dist/cli/main.js"))
    .filter((w) => w.startsWith("--"));
})();

/**
 * Runs `node [start script's flags] dist/cli/main.js start` (what `npm start` runs) as a child with a clean environment (nothing of ours leaks in,
 * DATABASE_URL included) plus `env`, on 127.0.0.1:<free port>. Its stdout (JSON logs) is parsed.
 */
export async function spawnUpblit(options: {
  env: Record<string, string>;
  nodeArgs?: string[];
}): Promise<UpblitChild> {
  const port = await freePort();
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...START_NODE_FLAGS, ...(options.nodeArgs ?? []), UPBLIT_ENTRY, "start"],
    {
      cwd: REPO_ROOT,
      env: childEnv({ PORT: String(port), ...options.env }),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error("could not spawn upblit");
  const pid = child.pid;
  const untrack = trackPid(pid);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const seen = new Map<string, LogLine>();
  const watchers = new Map<string, (line: LogLine) => void>();
  const problems: LogLine[] = [];
  let problemCount = 0;
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  createInterface({ input: child.stdout! }).on("line", (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    if (!seen.has(line.msg)) seen.set(line.msg, line);
    watchers.get(line.msg)?.(line);
    if (line.level >= 40) {
      problemCount++;
      if (problems.length < 50) problems.push(line);
    }
  });
  const died = (what: string) =>
    exited.then(({ code, signal }) => {
      throw new Error(`upblit exited (${code ?? signal}) while waiting for ${what}\n${stderrTail}`);
    });

  const handle: UpblitChild = {
    pid,
    url: `http://127.0.0.1:${port}`,
    spawnedAt,
    problems,
    get problemCount() {
      return problemCount;
    },
    exitStatus: () =>
      child.exitCode !== null || child.signalCode !== null
        ? String(child.exitCode ?? child.signalCode)
        : undefined,
    stderrTail: () => stderrTail,
    waitForLog: (msg, timeoutMs) => {
      const already = seen.get(msg);
      if (already) return Promise.resolve(already);
      const found = new Promise<LogLine>((resolve) => watchers.set(msg, resolve));
      // A timer cleared once the line came: a pending one (600 s for "roles started") kept the
      // bench process alive for minutes after its tables were printed.
      return withTimeout(`upblit logging "${msg}"`, timeoutMs, Promise.race([found, died(`"${msg}"`)]));
    },
    waitReady: (timeoutMs) => Promise.race([pollReady(handle.url, timeoutMs), died("/readyz")]),
    cpuMs: () => processCpuMs(pid),
    memoryMb: () => processMemoryMb(pid),
    stop: async (timeoutMs) => {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const end = await exited;
      clearTimeout(timer);
      untrack();
      return { ...end, ms: Date.now() - t0 };
    },
  };
  onCleanup(async () => {
    await handle.stop(5_000);
  }, `Upblit (pid ${child.pid})`);
  return handle;
}

async function pollReady(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await request(`${url}/readyz`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      await res.body.dump();
      if (res.statusCode === 200) return Date.now();
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`/readyz not 200 within ${timeoutMs} ms`);
}
