/** Local servers and spec builders for the probe tests (not a test file itself). */
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { systemClock } from "../lib/clock.ts";
import { createLogger } from "../lib/logger.ts";
import type { HttpCheckSpec } from "../monitor-types/http/probe.ts";
import type { HttpSettings } from "../monitor-types/http/settings.ts";
import { judgeObservation } from "../monitor-types/run.ts";
import type { Consumer, JobQueue } from "../queue/queue.ts";
import type { Probe, ProbeOptions } from "./types.ts";
import { startProbeWorker } from "./worker.ts";

const DAY_MS = 86_400_000;

export const PRIVATE_OK: ProbeOptions = {
  allowPrivateTargets: true,
  maxBodyBytes: 1024 * 1024,
  userAgent: "upblit-test/1",
};

export const PUBLIC_ONLY: ProbeOptions = { ...PRIVATE_OK, allowPrivateTargets: false };

export interface TestCert {
  key: string;
  cert: string;
}

/** A self-signed EC certificate (fast to make) valid from `fromDays` to `toDays` relative to now. */
export async function createCert(commonName: string, fromDays = -1, toDays = 90): Promise<TestCert> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(now + fromDays * DAY_MS),
    notAfterDate: new Date(now + toDays * DAY_MS),
  });
  return { key: pems.private, cert: pems.cert };
}

export interface TestServer {
  port: number;
  /** `http://127.0.0.1:PORT` or `https://…` */
  origin: string;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startServer(handler: RequestListener, tls?: TestCert): Promise<TestServer> {
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  let connections = 0;
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function httpSettings(overrides: Partial<HttpSettings> = {}): HttpSettings {
  return {
    method: "GET",
    headers: {},
    followRedirects: true,
    maxRedirects: 5,
    verifyTls: true,
    ...overrides,
  };
}

export function httpSpec(
  target: string,
  overrides: Partial<HttpSettings> = {},
  timeoutMs = 5_000,
): HttpCheckSpec {
  return {
    type: "http",
    http: httpSettings(overrides),
    monitorId: "mon_test",
    organizationId: "org_test",
    target,
    timeoutMs,
    assertions: [],
  };
}

/**
 * A probe worker on `queue` (region `local`, 4 at once, silent), checking through `probe` and
 * judging as main.ts does; `inFlight` is its set of monitors with a check running.
 */
export function startTestProbeWorker(
  queue: JobQueue,
  probe: Probe,
): { consumer: Consumer; inFlight: Set<string> } {
  const inFlight = new Set<string>();
  const consumer = startProbeWorker({
    queue,
    probe,
    judge: judgeObservation,
    options: PRIVATE_OK,
    canary: undefined,
    inFlight: {
      tryStart: (id) => !inFlight.has(id) && Boolean(inFlight.add(id)),
      finish: (id) => void inFlight.delete(id),
    },
    clock: systemClock,
    log: createLogger("silent"),
    concurrency: 4,
    region: "local",
  });
  return { consumer, inFlight };
}
