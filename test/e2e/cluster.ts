/**
 * Helpers for tests that run Upblit's roles as separate processes (issue 16): start a role, track
 * every process a test started (killed or not) so their output can be read afterwards and
 * `killAll` cleans up, restart one, read an API process's live stream, read the probes' log of
 * finished checks, run a Redis server of the test's own.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import {
  accessTokenFor,
  DIST_CLI,
  exitWithin,
  freePort,
  GiveUp,
  ROOT,
  runCli,
  startUpblitProcess,
  type UpblitProcess,
  waitFor,
  waitForOutput,
} from "./helpers.ts";

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join(ROOT, "src/test")) newest = Math.max(newest, newestSource(full));
    } else if (!entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** dist/ is missing or older than a source it is built from (tests excluded). */
export function distIsStale(): boolean {
  const built = [DIST_CLI, path.join(ROOT, "packages/sdk/dist/index.js")];
  if (!built.every((f) => existsSync(f))) return true;
  const builtAt = Math.min(...built.map((f) => statSync(f).mtimeMs));
  return (
    Math.max(newestSource(path.join(ROOT, "src")), newestSource(path.join(ROOT, "packages/sdk/src"))) >
    builtAt
  );
}

/**
 * A cluster of many processes runs the built JavaScript (DIST_CLI): tsx compiling the sources in
 * each of a dozen processes took minutes on a busy machine. `npm ci` builds dist/ (`prepare`), so
 * in CI this does nothing; after a source edit it runs `npm run build` once, under a lock, as
 * several test files may ask at the same time.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(ROOT, "dist.build-lock");
  await waitFor(
    "dist/ built (npm run build)",
    async () => {
      if (!distIsStale()) return true;
      try {
        mkdirSync(lock);
      } catch {
        // Another test file is building it; a lock left by a killed run is taken over.
        const holder = Number(readFileSync(path.join(lock, "pid"), { encoding: "utf8", flag: "a+" }));
        if (holder > 0 && !isAlive(holder)) rmSync(lock, { recursive: true, force: true });
        return false;
      }
      try {
        writeFileSync(path.join(lock, "pid"), String(process.pid));
        process.stdout.write("building dist/ (older than src/) for the cluster tests…\n");
        const child = spawn("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
        if (code !== 0) throw new GiveUp(`npm run build failed (${code}):\n${out}`);
        return true;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    },
    600_000,
  );
}

export type Role = "api" | "scheduler" | "probe" | "evaluator" | "notifier";

export interface StartOptions {
  region?: string;
  port?: number;
  env?: Record<string, string>;
}

export interface RoleProcess extends UpblitProcess {
  name: string;
  role: Role;
  region: string | undefined;
  /** What it was started with (a restart starts its replacement the same way). */
  options: StartOptions;
}

/** Every process a test started, in order; `killAll` SIGKILLs those still running. */
export class Cluster {
  readonly processes: RoleProcess[] = [];
  private n = 0;

  private readonly entry: string | undefined;

  constructor(
    /** DATABASE_URL, REDIS_URL, SECRET_KEY, … given to every process. */
    readonly env: Record<string, string>,
    private readonly dataRoot: string,
    /** `built`: run dist/ (call ensureBuilt first) instead of the sources through tsx. */
    options: { built?: boolean } = {},
  ) {
    this.entry = options.built ? DIST_CLI : undefined;
  }

  /**
   * Starts `upblit start --roles <role> [--region r]` and waits until it is ready: an API process
   * answers /readyz (and is signed in to), any other prints "roles started". `port` reuses an API
   * process's port (a replacement behind the same address).
   */
  async start(role: Role, options: StartOptions = {}): Promise<RoleProcess> {
    const name = `${role}${options.region ? `-${options.region}` : ""}-${++this.n}`;
    const env: Record<string, string> = { ...this.env, DATA_DIR: `${this.dataRoot}/${name}`, ...options.env };
    if (options.region) env.REGION = options.region;
    if (role === "api") {
      const p = await startUpblitProcess(
        env.DATA_DIR!,
        options.port ?? (await freePort()),
        { ...env, UPBLIT_ROLES: "api" },
        this.entry,
      );
      return this.track(p, name, role, options);
    }
    const args = ["start", "--roles", role, ...(options.region ? ["--region", options.region] : [])];
    const p = this.track(runCli(args, env, undefined, this.entry), name, role, options);
    await waitForOutput(p, /roles started/);
    return p;
  }

  /**
   * Stops `p` with `signal` (SIGTERM: a clean stop, which must end with exit code 0; SIGKILL: a
   * crash), waits for its exit, then starts the same role (an API on the same port) and waits
   * until the new one is ready. Returns the new process.
   */
  async restart(p: RoleProcess, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<RoleProcess> {
    p.child.kill(signal);
    const exit = await exitWithin(p);
    if (signal === "SIGTERM" && exit.code !== 0) {
      throw new Error(
        `${p.name} exited with ${JSON.stringify(exit)} on SIGTERM:\n${p.output().slice(-4_000)}`,
      );
    }
    const port = p.role === "api" ? Number(new URL(p.base).port) : undefined;
    return this.start(p.role, { ...p.options, port });
  }

  live(role?: Role): RoleProcess[] {
    return this.processes.filter(
      (p) =>
        (role === undefined || p.role === role) && p.child.exitCode === null && p.child.signalCode === null,
    );
  }

  async kill(p: RoleProcess, signal: NodeJS.Signals = "SIGKILL") {
    p.child.kill(signal);
    return p.exited;
  }

  async killAll(): Promise<void> {
    for (const p of this.live()) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }

  private track(p: UpblitProcess, name: string, role: Role, options: StartOptions): RoleProcess {
    const rp = Object.assign(p, { name, role, region: options.region, options });
    this.processes.push(rp);
    return rp;
  }
}

export interface LiveMessage {
  event: string;
  data: { monitorId?: string; incidentId?: string; change?: string; status?: string; slotAt?: string };
  at: number;
}

/**
 * Reads an API process's event stream in the background, collecting every event with its arrival
 * time. `onClose` gets the abort that ends it (register it with the test's cleanups).
 */
export async function openStream(
  base: string,
  onClose: (abort: () => void) => void,
  token = accessTokenFor(base),
): Promise<LiveMessage[]> {
  const messages: LiveMessage[] = [];
  const controller = new AbortController();
  onClose(() => controller.abort());
  const res = await fetch(`${base}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event, data: JSON.parse(data), at: Date.now() });
        end = buffer.indexOf("\n\n");
      }
    }
  })();
  return messages;
}

/** A check a probe ran to a result and queued (its `check result queued` debug line). */
export interface FinishedCheck {
  monitorId: string;
  region: string;
  slotAt: number;
  status: string;
  manual: boolean;
  /** When the probe logged it (ms). */
  time: number;
  probe: string;
}

/** The checks the probe processes finished, from their JSON log lines (LOG_LEVEL=debug). */
export function finishedChecks(probes: RoleProcess[]): FinishedCheck[] {
  const out: FinishedCheck[] = [];
  for (const p of probes) {
    for (const line of p.stdout().split("\n")) {
      if (!line.includes('"check result queued"')) continue;
      // A killed process may leave half a line.
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      out.push({
        monitorId: String(entry.monitorId),
        region: String(entry.region),
        slotAt: Number(entry.slotAt),
        status: String(entry.status),
        manual: entry.manual === true,
        time: Number(entry.time),
        probe: p.name,
      });
    }
  }
  return out;
}

/** The key of one check of one slot: `monitor|region|slotAt`. */
export const slotKey = (monitorId: string, region: string, slotAt: number) =>
  `${monitorId}|${region}|${slotAt}`;

/**
 * The checks the probes finished so far, returned once every one of them is stored (`storedKeys`:
 * the slotKeys of the stored results): a probe logs a check a moment before an evaluator stores
 * it. If some never are, they are returned all the same, for the caller's assertions to name.
 */
export async function finishedWhenStored(
  probes: RoleProcess[],
  storedKeys: () => Promise<Set<string>>,
): Promise<FinishedCheck[]> {
  const finished = finishedChecks(probes);
  await waitFor("every check the probes finished to be stored", async () => {
    const keys = await storedKeys();
    return finished.every((c) => keys.has(slotKey(c.monitorId, c.region, c.slotAt)));
  }).catch(() => undefined);
  return finished;
}

/** A Redis server of a test's own (one it may restart), on a free port, with no persistence. */
export interface OwnRedis {
  url: string;
  /** Stops the server (SIGKILL: its data is gone) and starts an empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(dir: string): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    const c = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    c.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    child = c;
    await waitFor("our redis-server to accept connections", () => {
      if (c.exitCode !== null) throw new GiveUp(`redis-server exited:\n${out}`);
      return /Ready to accept connections/.test(out);
    });
  };
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await stop();
      await launch();
    },
    stop,
  };
}
