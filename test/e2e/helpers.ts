/** Helpers for the end-to-end tests: the real CLI as a child process, local targets, the API. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scaledDeadline, slowdown } from "../../src/test/patience.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "bin/upblit.js");
/** The built CLI (`npm run build`, which `npm ci` runs through `prepare`). */
export const DIST_CLI = path.join(ROOT, "dist/cli/main.js");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How long a real process may take to do one thing on a quiet machine: start and answer, print a
 * line, exit, reach a state. The machine the suite runs on is often busy (two cores, load
 * averages of 10 to 30), where one start-up of the CLI (tsx compiling the sources, PGlite opening
 * its data folder) took over 3 minutes; so every wait here stretches it by the load while it
 * waits (scaledDeadline). Waits end as soon as their condition holds, so patience costs nothing
 * when things go well; it only decides how long a real hang takes to be reported.
 */
export const PATIENCE_MS = 120_000;

/**
 * A vitest timeout for a test that does `steps` patient things in a row (starts, waits, exits): a
 * backstop behind the waits' own deadlines, stretched by twice the load at the file's start (the
 * load may grow while the test runs).
 */
export const patientTest = (steps: number) =>
  Math.round((steps * PATIENCE_MS + 30_000) * Math.min(20, 2 * slowdown()));

/** A port nobody listens on right now: bind :0, read it, close it. */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `upblit-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Thrown from a `waitFor` check: the condition can never hold (say, the process exited); stop now. */
export class GiveUp extends Error {}

/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`).
 * Wait on a condition with this, never on a sleep: the deadline is a hang detector, not a budget.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = PATIENCE_MS,
): Promise<T> {
  const deadline = scaledDeadline(timeoutMs);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      last = err;
    }
    if (deadline.expired()) {
      throw new Error(
        `timed out after ${deadline.waitedMs()} ms (load ${loadavg()[0]!.toFixed(1)}) waiting for ${what}${last ? `: ${String(last)}` : ""}`,
      );
    }
    await sleep(100);
  }
}

/**
 * An HTTP target: `/ok/*` answers 200, `/fail/*` 500, `/slow/*` 200 after `slowMs`. It counts
 * every request that arrived and every response it finished, per path.
 */
export interface Target {
  port: number;
  origin: string;
  arrived(pathname: string): number;
  finished(pathname: string): number;
  /** Requests that arrived and are not answered yet. */
  active(): number;
  /** From now on `/fail/*` answers 200: the failing services recover. */
  heal(): void;
  close(): Promise<void>;
}

export async function startTarget(slowMs = 600, port = 0): Promise<Target> {
  const arrived = new Map<string, number>();
  const finished = new Map<string, number>();
  let active = 0;
  let healed = false;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const server: Server = createHttpServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    bump(arrived, pathname);
    active++;
    const answer = (status: number) => {
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "boom");
      active--;
      bump(finished, pathname);
    };
    if (pathname.startsWith("/fail/")) answer(healed ? 200 : 500);
    else if (pathname.startsWith("/slow/")) setTimeout(() => answer(200), slowMs);
    else answer(200);
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    arrived: (p) => arrived.get(p) ?? 0,
    finished: (p) => finished.get(p) ?? 0,
    active: () => active,
    heal: () => {
      healed = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface UpblitProcess {
  child: ChildProcess;
  base: string;
  /** stdout and stderr, interleaved as they came. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Only what the CLI needs from our environment, so the suite's own settings never leak in. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "SystemRoot"];
  const base: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) base[k] = process.env[k];
  return { ...base, ...env };
}

/**
 * Runs `upblit <args>`; `stdin`, when given, is piped in and closed (otherwise stdin is empty).
 * `entry` is the script run: by default bin/upblit.js (the sources through tsx); DIST_CLI runs the
 * built JavaScript (test/e2e/cluster.ts, for many processes at once).
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
  entry: string = BIN,
): UpblitProcess {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let out = "";
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    base: `http://127.0.0.1:${env.PORT ?? "3000"}`,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
  };
}

/**
 * Starts `upblit start` (on PGlite in `dataDir` unless `env` says otherwise) and waits until
 * /readyz answers; `entry` as in runCli.
 */
export async function startUpblitProcess(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  entry: string = BIN,
): Promise<UpblitProcess> {
  const p = runCli(
    ["start"],
    {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      ALLOW_PRIVATE_TARGETS: "true",
      MIN_INTERVAL_SECONDS: "1",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_SECONDS: "5",
      ...env,
    },
    undefined,
    entry,
  );
  let exitedEarly = false;
  void p.exited.then(() => {
    exitedEarly = true;
  });
  await waitFor(
    "upblit to answer /readyz",
    async () => {
      if (exitedEarly) throw new GiveUp(`upblit exited during start-up:\n${p.output()}`);
      const res = await fetch(`${p.base}/readyz`);
      return res.status === 200;
    },
    PATIENCE_MS,
  ).catch((err: Error) => {
    p.child.kill("SIGKILL");
    throw new Error(`${err.message}\n--- output ---\n${p.output()}`);
  });
  await signIn(p);
  return p;
}

export const E2E_OWNER = { email: "owner@example.com", password: "correct horse battery" };
/** Access tokens per base URL, so `api()` calls stay one line. */
const tokens = new Map<string, string>();

/** The owner's access token at a started process (for requests `api()` cannot make: streams). */
export const accessTokenFor = (base: string): string => tokens.get(base) ?? "";

/**
 * Signs in to a started process the way a person would: through the setup link it logged on
 * first start, or with the owner's password when setup was done by an earlier run.
 */
export async function signIn(p: UpblitProcess): Promise<void> {
  const setup = (await (await fetch(`${p.base}/api/v1/setup`)).json()) as { needed: boolean };
  let res: Response;
  if (setup.needed) {
    const link = /token=([\w-]+)/.exec(p.output());
    if (!link) throw new Error(`no setup link in the output:\n${p.output()}`);
    res = await fetch(`${p.base}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: link[1], ...E2E_OWNER, organizationName: "E2E" }),
    });
  } else {
    res = await fetch(`${p.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(E2E_OWNER),
    });
  }
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  tokens.set(p.base, ((await res.json()) as { accessToken: string }).accessToken);
}

/**
 * Waits until the process has printed a line matching `pattern` (stdout or stderr) and returns the
 * match; fails with the output so far if it exits first or nothing matches within `ms`.
 */
export async function waitForOutput(
  p: UpblitProcess,
  pattern: RegExp,
  ms = PATIENCE_MS,
): Promise<RegExpExecArray> {
  const match = await waitFor(
    `output matching ${pattern}`,
    () => {
      const found = pattern.exec(p.output());
      if (found) return found;
      if (p.child.exitCode !== null || p.child.signalCode !== null) {
        throw new GiveUp(`the process exited before printing ${pattern}`);
      }
      return undefined;
    },
    ms,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- output ---\n${p.output()}`);
  });
  return match!;
}

/**
 * Waits for the process to exit, at most `ms` of quiet-machine time (a hang detector, stretched by
 * the load like every wait here); kills it (and fails) past that.
 */
export async function exitWithin(p: UpblitProcess, ms = PATIENCE_MS) {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void p.exited.then((e) => {
    exit = e;
  });
  await waitFor("upblit to exit", () => exit, ms).catch((err: Error) => {
    p.child.kill("SIGKILL");
    throw new Error(`${err.message}\n--- output ---\n${p.output()}`);
  });
  return exit!;
}

export async function api<T = unknown>(
  base: string,
  method: string,
  url: string,
  body?: unknown,
  /** Another credential (an API key: a run longer than an access token's 15 minutes). */
  token = tokens.get(base) ?? "",
): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface ApiResult {
  monitorId: string;
  region: string;
  slotAt: string;
  status: string;
  manual: boolean;
}

/** Every result of a monitor through the API, following cursors. */
export async function allResults(base: string, monitorId: string): Promise<ApiResult[]> {
  const out: ApiResult[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: { items: ApiResult[]; nextCursor: string | null } = await api(
      base,
      "GET",
      `/api/v1/monitors/${monitorId}/results?limit=1000${q}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export interface ApiIncident {
  id: string;
  monitorId: string;
  status: "open" | "resolved";
}

export async function incidentsOf(base: string, monitorId: string): Promise<ApiIncident[]> {
  const page = await api<{ items: ApiIncident[] }>(
    base,
    "GET",
    `/api/v1/incidents?monitorId=${monitorId}&limit=200`,
  );
  return page.items;
}

export function httpMonitor(name: string, target: string, extra: Record<string, unknown> = {}) {
  return { name, type: "http", target, intervalSeconds: 1, timeoutMs: 900, failuresBeforeDown: 1, ...extra };
}
