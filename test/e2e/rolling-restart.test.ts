import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../src/domain/permissions.ts";
import { openDatabase } from "../../src/storage/db.ts";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { Cluster, ensureBuilt, finishedWhenStored, type RoleProcess, slotKey } from "./cluster.ts";
import { api, httpMonitor, patientTest, startTarget, type Target, tempDir, waitFor } from "./helpers.ts";
import { type Nginx, startNginx } from "./nginx.ts";

/**
 * Issue 16, docs/operations.md "Zero-downtime rollout": two processes of every role on PostgreSQL
 * and Redis, the two API processes behind nginx, a client calling the API through nginx all along
 * (reads, writes with an Idempotency-Key, and live streams it reopens when they end, as the
 * dashboard does). Every process is restarted in turn — SIGTERM, its exit (code 0), a new one
 * started, ready — and afterwards: no request failed, every slot of every monitor while it went
 * on has its result, none was checked twice, every finished check is stored.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const MONITORS = 24;
const INTERVAL_S = 3;

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Client {
  requests: number;
  failures: string[];
  streamsOpened: number;
  stop(): Promise<void>;
}

/**
 * Calls the API through `origin` from `workers` loops until stopped, recording every answer that
 * is not a success (and every request that failed outright); keeps `streams` live streams open,
 * reopening each when it ends.
 */
function startClient(origin: string, token: string, monitorIds: string[], workers = 3, streams = 2): Client {
  const client: Client = { requests: 0, failures: [], streamsOpened: 0, stop: async () => {} };
  const fail = (what: string) => client.failures.push(`${new Date().toISOString().slice(11, 23)} ${what}`);
  const headers = { authorization: `Bearer ${token}` };
  let running = true;
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    client.requests++;
    try {
      const res = await fetch(`${origin}${path}`, {
        method,
        headers: {
          ...headers,
          ...extra,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) fail(`${method} ${path} → ${res.status} ${text.slice(0, 200).replace(/\s+/g, " ")}`);
    } catch (err) {
      fail(`${method} ${path} → ${String((err as Error).cause ?? err)}`);
    }
  };
  const loop = async (w: number) => {
    for (let n = 0; running; n++) {
      const id = monitorIds[n % monitorIds.length]!;
      await call("GET", "/api/v1/monitors?limit=50");
      await call("GET", `/api/v1/monitors/${id}`);
      await call("GET", `/api/v1/monitors/${id}/results?limit=5`);
      if (n % 10 === 0) {
        await call(
          "POST",
          "/api/v1/monitors",
          httpMonitor(`client ${w}.${n}`, "http://127.0.0.1:9/never", { paused: true }),
          { "idempotency-key": `client-${w}-${n}` },
        );
      }
    }
  };
  const stream = async () => {
    while (running) {
      const controller = new AbortController();
      const stopWatch = setInterval(() => running || controller.abort(), 200);
      try {
        client.requests++;
        const res = await fetch(`${origin}/api/v1/events`, {
          headers: { ...headers, accept: "text/event-stream" },
          signal: controller.signal,
        });
        if (res.status !== 200) {
          fail(`GET /api/v1/events → ${res.status} ${(await res.text()).slice(0, 200).replace(/\s+/g, " ")}`);
          continue;
        }
        client.streamsOpened++;
        // Read until the server ends it (its process is stopping), then open another.
        for await (const _ of res.body!) if (!running) break;
      } catch (err) {
        if (running) fail(`GET /api/v1/events → ${String((err as Error).cause ?? err)}`);
      } finally {
        clearInterval(stopWatch);
        controller.abort();
      }
    }
  };
  const all = [
    ...Array.from({ length: workers }, (_, w) => loop(w)),
    ...Array.from({ length: streams }, () => stream()),
  ];
  client.stop = async () => {
    running = false;
    await Promise.all(all);
  };
  return client;
}

describe("rolling restart of every process behind nginx", () => {
  it(
    "fails no API request, loses no result and checks no slot twice",
    async () => {
      const t0 = Date.now();
      await ensureBuilt();
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const tmp = tempDir("rolling");
      cleanups.push(tmp.remove);
      const prefix = `upblit-e2e-${randomBytes(4).toString("hex")}`;
      cleanups.push(async () => {
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
      const target: Target = await startTarget();
      cleanups.push(() => target.close());

      const cluster = new Cluster(
        {
          DATABASE_URL: db.databaseUrl!,
          REDIS_URL,
          REDIS_PREFIX: prefix,
          SECRET_KEY: randomBytes(32).toString("hex"),
          ALLOW_PRIVATE_TARGETS: "true",
          MIN_INTERVAL_SECONDS: "1",
          LOG_LEVEL: "info",
          SHUTDOWN_TIMEOUT_SECONDS: "10",
          // A slot is recorded `unknown` as lost only this long past its timeout: on a machine at a
          // load of 30 a result took over the default 60 s to be stored. A job really lost shows
          // here as a missing result instead.
          LOST_CHECK_GRACE_SECONDS: "600",
          HOST: "127.0.0.1",
          // The client's calls are many; rate limits are not what this test is about.
          API_RATE_LIMIT_PER_KEY: "1000000",
          API_RATE_LIMIT_PER_USER: "1000000",
        },
        tmp.dir,
        { built: true },
      );
      cleanups.push(() => cluster.killAll());
      // The first API process first: it sets up the owner; then every other process at once.
      const debug = { env: { LOG_LEVEL: "debug" } };
      const first = await cluster.start("api");
      await Promise.all([
        cluster.start("api"),
        ...(["scheduler", "scheduler", "evaluator", "evaluator", "notifier", "notifier"] as const).map((r) =>
          cluster.start(r),
        ),
        // At debug a probe logs every check it finished (finishedChecks).
        cluster.start("probe", debug),
        cluster.start("probe", debug),
      ]);
      const apis = cluster.live("api");
      const nginx: Nginx = await startNginx(
        tmp.dir,
        apis.map((p) => Number(new URL(p.base).port)),
      );
      cleanups.push(() => nginx.stop());
      const started = Date.now();

      // An API key, not the owner's access token: the run outlasts a token's 15 minutes.
      const { token } = await api<{ token: string }>(first.base, "POST", "/api/v1/api-keys", {
        name: "rolling restart client",
        scopes: [...SCOPES],
      });
      // Monitors through nginx; a quarter of them fail, so states and incidents move too.
      const monitorIds: string[] = [];
      for (let i = 0; i < MONITORS; i++) {
        const res = await fetch(`${nginx.origin}/api/v1/monitors`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(
            httpMonitor(`m${i}`, `${target.origin}/${i % 4 === 0 ? "fail" : "ok"}/${i}`, {
              intervalSeconds: INTERVAL_S,
              timeoutMs: 2_000,
            }),
          ),
        });
        expect(res.status).toBe(201);
        monitorIds.push(((await res.json()) as { id: string }).id);
      }

      const store = await openDatabase({ driver: "postgres", url: db.databaseUrl! });
      cleanups.push(() => store.destroy());
      const stored = async () =>
        (
          await sql<{
            monitor_id: string;
            region: string;
            slot_at: Date;
            status: string;
            manual: boolean;
            error: string | null;
          }>`
            SELECT monitor_id, region, slot_at, status, manual, error FROM check_results
            WHERE monitor_id = ANY(${monitorIds}::text[])
          `.execute(store)
        ).rows;
      const newestSlots = async () => {
        const newest = new Map<string, number>();
        for (const r of await stored()) {
          newest.set(r.monitor_id, Math.max(newest.get(r.monitor_id) ?? 0, r.slot_at.getTime()));
        }
        return newest;
      };
      /** Every monitor has a stored result for a slot at or after `at`. */
      const everyMonitorPast = (at: number) =>
        waitFor(`a result of every monitor for a slot after ${new Date(at).toISOString()}`, async () => {
          const newest = await newestSlots();
          return monitorIds.every((id) => (newest.get(id) ?? 0) >= at);
        });

      // Steady first: every monitor checked, the client calling away.
      await everyMonitorPast(0);
      const client = startClient(nginx.origin, token, monitorIds);
      cleanups.push(() => client.stop());
      await waitFor("the client's first requests and live streams", () => client.streamsOpened >= 2);

      // Every process in turn: SIGTERM, exit 0, a new one started and ready.
      const from = Date.now();
      // Two rounds, each restarting one process of every role at once (as a rollout does, one
      // replica of each at a time): the other of each role carries on meanwhile.
      const order = ["api", "scheduler", "probe", "evaluator", "notifier"] as const;
      const rounds = [0, 1].map((i) => order.map((role) => cluster.live(role)[i] as RoleProcess));
      const timings: string[] = [];
      for (const round of rounds) {
        await Promise.all(
          round.map(async (old) => {
            const t = Date.now();
            await cluster.restart(old, "SIGTERM");
            timings.push(`${old.name} ${new Date(t).toISOString().slice(11, 23)} +${Date.now() - t} ms`);
          }),
        );
      }
      const until = Date.now();
      // Slots due up to the end are checked and stored; the client keeps calling meanwhile.
      await everyMonitorPast(until + 2 * INTERVAL_S * 1000);
      await client.stop();

      process.stdout.write(
        `rolling restart: ${client.requests} requests (${client.failures.length} failed), ${client.streamsOpened} streams; ` +
          `${Math.round((until - from) / 1000)} s of restarts, ${Math.round((Date.now() - t0) / 1000)} s in all, ` +
          `steady after ${Math.round((started - t0) / 1000)} s; restarts:\n  ${timings.join("\n  ")}\n`,
      );
      const complaints = new Map<string, number>();
      for (const p of cluster.processes) {
        for (const line of p.stdout().split("\n")) {
          const m = /"level":(40|50|60).*?"msg":"([^"]*)"/.exec(line);
          if (m) complaints.set(`${p.role} ${m[2]}`, (complaints.get(`${p.role} ${m[2]}`) ?? 0) + 1);
        }
      }
      process.stdout.write(`warnings and errors: ${JSON.stringify([...complaints])}\n`);
      if (client.failures.length > 0) {
        process.stdout.write(`nginx error log:\n${nginx.errorLog().split("\n").slice(-60).join("\n")}\n`);
      }
      const restarted = cluster.processes.filter((p) => p.child.exitCode !== null);
      expect(restarted).toHaveLength(10);
      // Soft: the checks below still run and report when a request failed.
      expect.soft(client.failures).toEqual([]);
      expect(client.requests).toBeGreaterThan(50);
      // Each live stream ended when its API process stopped and was reopened on the other.
      expect(client.streamsOpened).toBeGreaterThanOrEqual(4);

      const probes = cluster.processes.filter((p) => p.role === "probe");
      const logged = await finishedWhenStored(
        probes,
        async () =>
          new Set((await stored()).map((r) => slotKey(r.monitor_id, r.region, r.slot_at.getTime()))),
      );

      // Every slot from the first restart to the last has its result: none lost, none `unknown`.
      const rows = (await stored()).filter((r) => !r.manual);
      const intervalMs = INTERVAL_S * 1000;
      const gaps: string[] = [];
      for (const id of monitorIds) {
        const mine = rows.filter((r) => r.monitor_id === id);
        const bySlot = new Map(mine.map((r) => [r.slot_at.getTime(), r.status]));
        const errors = new Map(mine.map((r) => [r.slot_at.getTime(), r.error]));
        const anchor = mine[0]!.slot_at.getTime();
        const firstSlot = anchor + Math.ceil((from - anchor) / intervalMs) * intervalMs;
        for (let slot = firstSlot; slot <= until; slot += intervalMs) {
          const status = bySlot.get(slot);
          if (status === undefined || status === "unknown") {
            gaps.push(
              `${id} ${new Date(slot).toISOString()}: ${status ?? "missing"} ${errors.get(slot) ?? ""}`,
            );
          }
        }
      }
      expect(gaps).toEqual([]);

      // No slot checked twice, and every check a probe finished is the one stored.
      const finished = logged.filter((c) => !c.manual && monitorIds.includes(c.monitorId));
      const seen = new Map<string, number>();
      for (const c of finished) {
        const key = slotKey(c.monitorId, c.region, c.slotAt);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
      const byKey = new Map(
        rows.map((r) => [slotKey(r.monitor_id, r.region, r.slot_at.getTime()), r.status]),
      );
      const notStored = finished.filter(
        (c) => byKey.get(slotKey(c.monitorId, c.region, c.slotAt)) !== c.status,
      );
      expect(notStored).toEqual([]);

      // The client's writes each made one monitor, retried or not.
      const made = await store
        .selectFrom("monitors")
        .select("name")
        .where("name", "like", "client %")
        .execute();
      expect(made.length).toBeGreaterThan(0);
      expect(new Set(made.map((m) => m.name)).size).toBe(made.length);
    },
    patientTest(10),
  );
});
