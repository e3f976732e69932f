import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { request } from "undici";
import type { CheckResult, ResultStatus } from "../../src/domain/check-result.ts";
import type { Running } from "../../src/main.ts";
import { type AlertCeiling, measureAlertCeiling } from "./alerts-ceiling.ts";
import type { Dist } from "./alerts-dist.ts";
import type { Receiver } from "./alerts-receiver.ts";
import { createMonitors, setUpOwner } from "./api.ts";
import { onCleanup, trackDir } from "./cleanup.ts";
import { progress, sleep } from "./progress.ts";
import { freePort } from "./upblit-child.ts";

export type AlertDatabase = "pglite" | "postgres";

/** The PostgreSQL server of the second configuration; each run gets a fresh database on it. */
export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface AlertRunSpec {
  database: AlertDatabase;
  monitors: number;
  /** State changes per monitor: down, up, down, … (one alert each). */
  flips: number;
  /** Results recorded per call of the evaluator's service. */
  batch: number;
  /** NOTIFY_CONCURRENCY, and the bare loop's concurrency. */
  concurrency: number;
  createConcurrency: number;
  /** Give up waiting for the deliveries after this long. */
  timeoutMs: number;
}

export interface AlertRunResult {
  spec: AlertRunSpec;
  changes: number;
  ceiling: AlertCeiling;
  /** Start of the first batch until the last batch committed. */
  feedSeconds: number;
  /** Start of the first batch until the last notification was recorded as sent (its sent_at). */
  ackSeconds: number;
  /** Deliveries the receiver had when the last batch committed. */
  receivedDuringFeed: number;
  /** Start of the first batch until the receiver saw the last new webhook-id. */
  receivedSeconds: number;
  deliveriesPerSecond: number;
  notifications: { total: number; sent: number; attempts: number };
  received: { requests: number; distinct: number };
  /** Outbox row written → recorded sent, per delivery, ms. */
  latencyMs: { p50: number; p99: number; max: number };
  /** This process's CPU (Upblit: evaluator service + notifier; the bench's polling is tiny) per 1,000 deliveries. */
  cpuSecondsPer1k: number;
  receiverCpuSecondsPer1k: number;
  /** Log lines at warn and above, besides the first-run setup link. */
  problems: string[];
  timedOut: boolean;
}

/** A fresh database on the PostgreSQL server, dropped at cleanup (as src/test/db.ts does for tests). */
async function freshPostgres(): Promise<string> {
  const name = `upblit_bench_${randomBytes(6).toString("hex")}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: BENCH_PG_URL });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  onCleanup(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function createWebhookChannel(url: string, token: string, receiver: Receiver, secret: string) {
  const res = await request(`${url}/api/v1/channels`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      name: "bench receiver",
      kind: "webhook",
      config: { url: `${receiver.origin}/hooks/upblit` },
      secrets: { signingSecret: secret },
      isDefault: true,
      events: ["down", "up"],
    }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201)
    throw new Error(`creating the channel: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
}

/**
 * Starts Upblit in this process (roles api,notifier, compiled code) on a fresh database, sets up the
 * owner through the setup link, creates one default webhook channel to the receiver and the monitors
 * through the API, measures the bare POST loop, then feeds `monitors × flips` state changes to the
 * evaluator's own service (`recordResults`, which writes results, state, events, incidents and the
 * outbox rows in one transaction) in batches, and waits until every delivery is recorded as sent.
 */
export async function runAlerts(dist: Dist, receiver: Receiver, spec: AlertRunSpec): Promise<AlertRunResult> {
  const label = spec.database;
  const changes = spec.monitors * spec.flips;
  const dir = mkdtempSync(path.join(tmpdir(), "upblit-bench-alerts-"));
  const removeDir = trackDir(dir);
  const databaseUrl = spec.database === "postgres" ? await freshPostgres() : undefined;
  const config = dist.config.loadConfig({
    DATA_DIR: path.join(dir, "data"),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    UPBLIT_ROLES: "api,notifier",
    ALLOW_PRIVATE_TARGETS: "true",
    HOST: "127.0.0.1",
    PORT: String(await freePort()),
    LOG_LEVEL: "info",
    NOTIFY_CONCURRENCY: String(spec.concurrency),
  });
  const logFile = path.join(dir, "upblit.log");
  const log = dist.logger.createLogger(config.log.level, createWriteStream(logFile));
  // Monitor creation is setup, not what is measured: the per-user API limit would stretch it.
  const defaults = dist.rateLimits.RATE_LIMITS;
  const roomy = { limit: 1_000_000, seconds: 60 };
  const running: Running = await dist.main.startUpblit(config, log, {
    rateLimits: { ...defaults, api: { perKey: roomy, perUser: roomy } },
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
  progress(label, `Upblit (api,notifier) at ${url}, NOTIFY_CONCURRENCY=${spec.concurrency}`);
  const token = await setUpOwner(url, running.setupUrl);
  await createWebhookChannel(url, token, receiver, dist.webhook.generateWebhookSecret());
  const creation = await createMonitors(
    url,
    token,
    spec.monitors,
    { targetOrigin: "http://127.0.0.1:9", intervalSeconds: 60, timeoutMs: 10_000 },
    spec.createConcurrency,
    label,
  );
  if (creation.failed > 0) throw new Error(`creating monitors: ${creation.firstErrors.join("; ")}`);
  progress(label, `${creation.created} monitors in ${creation.seconds.toFixed(1)} s`);
  const db = running.rt.db;
  const monitors = await db.selectFrom("monitors").select(["id", "organization_id"]).orderBy("id").execute();

  const ceiling = await measureAlertCeiling(dist, receiver, changes, spec.concurrency);
  progress("ceiling", `${ceiling.perSecond.toFixed(0)} POSTs/s at concurrency ${spec.concurrency}`);

  await receiver.reset();
  const cpu0 = process.cpuUsage();
  const receiverCpu0 = receiver.cpuMs();
  const t0 = Date.now();
  const slot0 = Math.floor(t0 / 60_000) * 60_000 - spec.flips * 60_000;
  const result = (m: (typeof monitors)[number], flip: number): CheckResult => {
    const status: ResultStatus = flip % 2 === 0 ? "down" : "up";
    return {
      monitorId: m.id,
      organizationId: m.organization_id,
      region: config.region,
      slotAt: slot0 + flip * 60_000,
      startedAt: Date.now(),
      manual: false,
      status,
      statusCode: status === "down" ? 503 : 200,
      timings: { total: 12 },
      verdicts:
        status === "down" ? [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 503 }] : [],
    };
  };
  let fed = 0;
  for (let flip = 0; flip < spec.flips; flip++) {
    for (let i = 0; i < monitors.length; i += spec.batch) {
      const batch = monitors.slice(i, i + spec.batch).map((m) => result(m, flip));
      await dist.recordResults.recordResults(running.rt, batch);
      fed += batch.length;
      const c = await receiver.counts();
      progress(label, `fed ${fed}/${changes} state changes; receiver has ${c.distinct}`);
    }
  }
  const feedSeconds = (Date.now() - t0) / 1000;
  const receivedDuringFeed = (await receiver.counts()).distinct;

  const deadline = t0 + spec.timeoutMs;
  let sent = 0;
  let lastTick = 0;
  // The receiver's count (another process) is watched every 100 ms; the database, which the count
  // query would share with the notifier (one connection on PGlite), only once a second until the
  // receiver has every delivery, then every 100 ms until all are recorded as sent.
  while (Date.now() < deadline) {
    const c = await receiver.counts();
    const everyOne = c.distinct >= changes;
    if (everyOne || Date.now() - lastTick >= 1_000) {
      const row = await db
        .selectFrom("notifications")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("status", "=", "sent")
        .executeTakeFirstOrThrow();
      sent = Number(row.n);
      if (sent >= changes) break;
    }
    if (Date.now() - lastTick >= 1_000) {
      lastTick = Date.now();
      const s = (Date.now() - t0) / 1000;
      progress(
        label,
        `${sent}/${changes} deliveries acknowledged (${(sent / s).toFixed(0)}/s); receiver has ${c.distinct}`,
      );
    }
    await sleep(100);
  }
  const cpu = process.cpuUsage(cpu0);
  const receiverCpuMs = receiver.cpuMs() - receiverCpu0;
  const counts = await receiver.counts();
  const rows = await db
    .selectFrom("notifications")
    .select(["status", "attempts", "created_at", "sent_at"])
    .execute();
  const sentAts = rows.flatMap((r) => (r.sent_at ? [r.sent_at.getTime()] : []));
  const latencies = rows
    .flatMap((r) => (r.sent_at ? [r.sent_at.getTime() - r.created_at.getTime()] : []))
    .sort((a, b) => a - b);
  const lastSent = sentAts.length ? Math.max(...sentAts) : Date.now();
  const ackSeconds = (lastSent - t0) / 1000;
  await stop();
  const problems = readFileSync(logFile, "utf8")
    .split("\n")
    .flatMap((line) => {
      if (!line) return [];
      const entry = JSON.parse(line) as { level: number; msg: string };
      return entry.level >= 40 && entry.msg !== dist.main.SETUP_LINK_MESSAGE ? [entry.msg] : [];
    });
  removeDir();
  return {
    spec,
    changes,
    ceiling,
    feedSeconds,
    receivedDuringFeed,
    ackSeconds,
    receivedSeconds: counts.lastNewAt ? (counts.lastNewAt - t0) / 1000 : Number.NaN,
    deliveriesPerSecond: sentAts.length / ackSeconds,
    notifications: {
      total: rows.length,
      sent: sentAts.length,
      attempts: rows.reduce((sum, r) => sum + r.attempts, 0),
    },
    received: { requests: counts.requests, distinct: counts.distinct },
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    cpuSecondsPer1k: ((cpu.user + cpu.system) / 1e6 / Math.max(1, sentAts.length)) * 1000,
    receiverCpuSecondsPer1k: (receiverCpuMs / 1000 / Math.max(1, counts.requests)) * 1000,
    problems,
    timedOut: sent < changes,
  };
}
