/** Shared helpers for the API tests (`src/api/**\/*.api.test.ts`); not a test file itself. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { PATIENCE_MS, scaledDeadline } from "./patience.ts";
import type { TestUpblit } from "./upblit.ts";

export const API = "/api/v1";
export const PROBLEM_BASE = "https://upblit.dev/problems/";
export const REQUEST_ID = /^req_[0-9a-z]{26}$/;

/** Env for files that only exercise the API: no scheduler, probe or evaluator, so no checks run. */
export const API_ONLY = { UPBLIT_ROLES: "api" } as const;

type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

/** The owner's API key as an Authorization header. */
export function authHeaders(up: TestUpblit): Record<string, string> {
  return { authorization: `Bearer ${up.apiKey}` };
}

/**
 * `app.inject` with a JSON body (when given) and optional headers. Sends the owner's API key
 * unless `headers.authorization` is given; an empty string sends no credential at all.
 */
export function call(
  up: TestUpblit,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const all: Record<string, string> = { ...authHeaders(up), ...headers };
  if (all.authorization === "") delete all.authorization;
  const options: InjectOptions = { method, url, headers: all };
  if (payload !== undefined) options.payload = payload as InjectOptions["payload"];
  return up.app!.inject(options);
}

/** Fails when a body looks like it carries a stack trace or a server file path. */
export function expectNoStackTrace(body: string): void {
  expect(body).not.toMatch(/\bat .*\(?[^\s()]+\.(?:ts|js|mjs|cjs):\d+/);
  expect(body).not.toMatch(/\bat (?:async )?[\w$.<>]+ \(/);
  expect(body).not.toMatch(/node:internal|node_modules|\/work\/|\/src\/[\w/-]+\.ts/);
  expect(body).not.toMatch(/"stack"\s*:/);
}

const SLUGS: Record<string, string> = {
  NOT_FOUND: "not-found",
  UNAUTHENTICATED: "unauthenticated",
  FORBIDDEN: "forbidden",
  CONFLICT: "conflict",
  VALIDATION: "validation",
  LIMIT_EXCEEDED: "limit-exceeded",
  PRECONDITION_FAILED: "precondition-failed",
  UNAVAILABLE: "unavailable",
  INTERNAL: "internal",
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  requestId: string;
  errors: Array<{ path: string; message: string }>;
}

/**
 * Asserts the RFC 9457 problem contract: status, media type, stable `type` URI, `code`,
 * `requestId` equal to the `x-request-id` header, an `errors` array and no stack trace.
 */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expectNoStackTrace(res.body);
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json<ProblemBody>();
  expect(body.type).toBe(PROBLEM_BASE + SLUGS[code]);
  expect(body.status).toBe(status);
  expect(body.code).toBe(code);
  expect(typeof body.title).toBe("string");
  expect(body.requestId).toMatch(REQUEST_ID);
  expect(res.headers["x-request-id"]).toBe(body.requestId);
  expect(Array.isArray(body.errors)).toBe(true);
  for (const e of body.errors) {
    expect(typeof e.path).toBe("string");
    expect(typeof e.message).toBe("string");
    expect(e.message.length).toBeGreaterThan(0);
  }
  return body;
}

/** A 400 validation problem whose `errors[]` names exactly these paths (in any order). */
export function expectValidation(res: LightMyRequestResponse, paths: string[]): ProblemBody {
  const body = expectProblem(res, 400, "VALIDATION");
  expect([...new Set(body.errors.map((e) => e.path))].sort()).toEqual([...new Set(paths)].sort());
  return body;
}

/** A minimal valid create body per monitor type; overrides are merged over it. */
export function monitorBody(type: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    http: { type: "http", target: "https://example.com/health" },
    keyword: { type: "keyword", target: "https://example.com/", keyword: { keyword: "Welcome" } },
    json: {
      type: "json",
      target: "https://example.com/api",
      json: { path: "$.status", op: "==", expected: "ok" },
    },
    tcp: { type: "tcp", target: "db.example.com:5432" },
    dns: { type: "dns", target: "example.com", dns: {} },
    tls: { type: "tls", target: "example.com:443" },
    postgres: { type: "postgres", target: "db.example.com:5432", postgres: { username: "monitor" } },
    mysql: { type: "mysql", target: "db.example.com:3306", mysql: { username: "monitor" } },
    redis: { type: "redis", target: "cache.example.com:6379", redis: {} },
    rabbitmq: { type: "rabbitmq", target: "mq.example.com:5672", rabbitmq: { username: "monitor" } },
    mqtt: { type: "mqtt", target: "mqtt.example.com:1883", mqtt: {} },
  };
  const b = base[type];
  if (!b) throw new Error(`no body for type ${type}`);
  return { name: `${type} monitor`, ...b, ...overrides };
}

export interface MonitorJson {
  id: string;
  name: string;
  type: string;
  target: string;
  state: string;
  paused: boolean;
  lastCheckedAt: string | null;
  [key: string]: unknown;
}

/** Creates a monitor through the API and returns its JSON; fails the test on any other status. */
export async function createMonitor(up: TestUpblit, body: Record<string, unknown>): Promise<MonitorJson> {
  const res = await call(up, "POST", `${API}/monitors`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<MonitorJson>();
}

/**
 * Polls `read` until `done` holds, failing with the last value after `timeoutMs` of quiet-machine
 * time (stretched by the machine's load, see patience.ts).
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = PATIENCE_MS,
  everyMs = 50,
): Promise<T> {
  const deadline = scaledDeadline(timeoutMs);
  let last = await read();
  while (!done(last)) {
    if (deadline.expired()) {
      throw new Error(
        `condition not met within ${deadline.waitedMs()} ms; last value: ${JSON.stringify(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
    last = await read();
  }
  return last;
}

/** GET a JSON resource, expecting 200. */
export async function getJson<T = Record<string, unknown>>(up: TestUpblit, url: string): Promise<T> {
  const res = await call(up, "GET", url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}

/** A stored check result as the API shows it. */
export interface ResultJson {
  monitorId: string;
  region: string;
  slotAt: string;
  latenessMs: number;
  manual: boolean;
  status: string;
  statusCode: number | null;
  timings: {
    dns: number | null;
    connect: number | null;
    tls: number | null;
    firstByte: number | null;
    total: number;
  };
  error: { kind: string; message: string } | null;
  verdicts: Array<{ assertion: string; ok: boolean; severity: string; actual?: unknown }>;
}

/** Runs "check now" on a monitor (expects 202) and waits until that check's result is stored. */
export async function checkNowAndWait(up: TestUpblit, monitorId: string): Promise<ResultJson> {
  const res = await call(up, "POST", `${API}/monitors/${monitorId}/check`);
  expect(res.statusCode, res.body).toBe(202);
  const answer = res.json<{ monitorId: string; slotAt: string }>();
  expect(answer.monitorId).toBe(monitorId);
  const { slotAt } = answer;
  const page = await waitFor(
    () => getJson<{ items: ResultJson[] }>(up, `${API}/monitors/${monitorId}/results`),
    (p) => p.items.some((r) => r.slotAt === slotAt),
  );
  return page.items.find((r) => r.slotAt === slotAt)!;
}

export interface TargetServer {
  url: string;
  /** Status code the server answers from now on. */
  setStatus(code: number): void;
  hits(): number;
  /** Headers of the last request received. */
  lastHeaders(): Record<string, string | string[] | undefined>;
  close(): Promise<void>;
}

/** A local HTTP target on 127.0.0.1 whose status code the test switches. */
export async function startTarget(initialStatus = 200): Promise<TargetServer> {
  let status = initialStatus;
  let hits = 0;
  let lastHeaders: IncomingMessage["headers"] = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits++;
    lastHeaders = req.headers;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: status < 400 ? "ok" : "failing" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    setStatus: (code) => {
      status = code;
    },
    hits: () => hits,
    lastHeaders: () => lastHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every API route with an id, as [method, path template]; `:id` is replaced by the test. */
export const ID_ROUTES: Array<[Method, string]> = [
  ["GET", `${API}/monitors/:id`],
  ["PATCH", `${API}/monitors/:id`],
  ["DELETE", `${API}/monitors/:id`],
  ["POST", `${API}/monitors/:id/pause`],
  ["POST", `${API}/monitors/:id/resume`],
  ["POST", `${API}/monitors/:id/check`],
  ["GET", `${API}/monitors/:id/results`],
  ["GET", `${API}/monitors/:id/uptime`],
  ["GET", `${API}/monitors/:id/rollups?from=2024-01-01T00:00:00Z`],
  ["GET", `${API}/monitors/:id/events`],
  ["GET", `${API}/incidents/:id`],
];
