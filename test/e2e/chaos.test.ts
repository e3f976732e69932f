import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { type Received, type Receiver, startReceiver } from "../../src/test/receiver.ts";
import { RedisServer } from "../../src/test/redis-server.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { Cluster, finishedChecks, openStream, type RoleProcess } from "./cluster.ts";
import {
  api,
  httpMonitor,
  patientTest,
  signIn,
  sleep,
  startTarget,
  type Target,
  tempDir,
  waitFor,
} from "./helpers.ts";

/**
 * Issue 16's chaos test. Real processes on PostgreSQL and Redis — 2 API, 2 schedulers, 3 probes in
 * 2 regions, 2 evaluators, 2 notifiers — check MONITORS monitors, half of them failing. One process
 * of each role is killed with SIGKILL in turn (and replaced), then Redis is restarted empty (a Redis
 * of this test's own, never the machine's), then PostgreSQL is cut for 5 s (a proxy of this test's
 * between every process and the server). Afterwards the targets heal, and the test holds the system
 * to what it promises:
 * - every (monitor, region, slot) was checked at most once (the probes' log) and stored once;
 * - every result a probe finished is stored (with its status, unless it waited out the database
 *   outage in an evaluator: then `unknown`, by design — it must move no state once late);
 * - no incident was opened twice (one per failing monitor, none overlapping);
 * - every notification was delivered at least once, always with its one id, and each monitor's
 *   down and recovery were notified once each (one notification, however many deliveries);
 * - the live bus works again: an API process's stream sees a change made through the other one.
 */
const MONITORS = 100;
const INTERVAL_SECONDS = 30;
const REGIONS = ["eu", "us"] as const;

const cleanups: Array<() => Promise<void> | void> = [];
let cluster: Cluster | undefined;

afterAll(async () => {
  await cluster?.killAll();
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface WebhookBody {
  type: string;
  data: { notificationId: string; monitor: { id: string } };
}

const key = (monitorId: string, region: string, slotAt: number) => `${monitorId}|${region}|${slotAt}`;

describe("chaos: every role killed in turn, Redis restarted, PostgreSQL cut", () => {
  it(
    "checks each slot once, loses no finished result, opens no incident twice, delivers every notification",
    async () => {
      const started = Date.now();
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const store = new pg.Pool({ connectionString: db.databaseUrl!, max: 2 });
      cleanups.push(() => store.end());
      const query = async <T>(text: string, values: unknown[] = []) =>
        (await store.query(text, values)).rows as T[];
      const proxy = new TcpProxy(5432);
      await proxy.start();
      cleanups.push(() => proxy.stop());
      const redis = new RedisServer();
      await redis.start();
      cleanups.push(() => redis.stop());
      const tmp = tempDir("chaos");
      cleanups.push(tmp.remove);
      const target: Target = await startTarget();
      cleanups.push(() => target.close());
      const receiver: Receiver = await startReceiver();
      cleanups.push(() => receiver.close());

      const viaProxy = new URL(db.databaseUrl!);
      viaProxy.port = String(proxy.port);
      cluster = new Cluster(
        {
          DATABASE_URL: viaProxy.toString(),
          REDIS_URL: redis.url,
          REDIS_PREFIX: "chaos",
          SECRET_KEY: randomBytes(32).toString("hex"),
          ALLOW_PRIVATE_TARGETS: "true",
          MIN_INTERVAL_SECONDS: "1",
          LOG_LEVEL: "info",
          SHUTDOWN_TIMEOUT_SECONDS: "5",
          HOST: "127.0.0.1",
          REGION: "eu",
        },
        tmp.dir,
      );
      const c = cluster;
      // The first API process migrates the database and is set up; then everything else at once.
      const api1 = await c.start("api");
      const probeEnv = { LOG_LEVEL: "debug" };
      const [api2] = await Promise.all([
        c.start("api"),
        ...REGIONS.map((region) => c.start("scheduler", { region })),
        c.start("probe", { region: "eu", env: probeEnv }),
        c.start("probe", { region: "eu", env: probeEnv }),
        c.start("probe", { region: "us", env: probeEnv }),
        c.start("evaluator"),
        c.start("evaluator"),
        c.start("notifier"),
        c.start("notifier"),
      ]);
      const startedAt = Date.now();
      // Starting the rest can take longer than an access token lives on a busy machine.
      await signIn(api1);
      await signIn(api2!);

      for (const region of REGIONS) {
        await api(api1.base, "POST", "/api/v1/regions", { name: region, kind: "local" }).catch(
          (err: Error) => {
            if (!/409/.test(err.message)) throw err;
          },
        );
      }
      await api(api1.base, "POST", "/api/v1/channels", {
        name: "ops webhook",
        kind: "webhook",
        config: { url: `${receiver.origin}/hooks/upblit` },
        isDefault: true,
      });
      const failing = new Set<string>();
      const monitors: string[] = [];
      for (let i = 0; i < MONITORS; i += 10) {
        const made = await Promise.all(
          Array.from({ length: Math.min(10, MONITORS - i) }, (_, k) => {
            const n = i + k;
            const fails = n % 2 === 0;
            return api<{ id: string }>(
              // Both API processes take writes.
              n % 4 < 2 ? api1.base : api2!.base,
              "POST",
              "/api/v1/monitors",
              httpMonitor(`m${n}`, `${target.origin}/${fails ? "fail" : "ok"}/m${n}`, {
                intervalSeconds: INTERVAL_SECONDS,
                timeoutMs: 10_000,
                regions: [...REGIONS],
              }),
            ).then((m) => {
              monitors.push(m.id);
              if (fails) failing.add(m.id);
            });
          }),
        );
        expect(made).toHaveLength(Math.min(10, MONITORS - i));
      }
      const resultCount = async () =>
        Number((await query<{ n: string }>("SELECT count(*) AS n FROM check_history"))[0]!.n);
      const openIncidents = async () =>
        Number(
          (await query<{ n: string }>("SELECT count(*) AS n FROM incidents WHERE resolved_at IS NULL"))[0]!.n,
        );
      /** Waits until `n` more results are stored than now: the system makes progress. */
      const progress = async (what: string, n = MONITORS) => {
        const from = await resultCount();
        await waitFor(`${n} more results stored (${what})`, async () => (await resultCount()) >= from + n);
      };

      // Steady state first: every failing monitor down, its incident open, its alert delivered.
      await waitFor(
        "an incident open for every failing monitor",
        async () => (await openIncidents()) >= failing.size,
      );
      const downAlerts = () =>
        new Set(
          receiver.requests
            .map((r) => r.json as WebhookBody | undefined)
            .filter((b) => b?.type === "monitor.down")
            .map((b) => b!.data.monitor.id),
        );
      await waitFor("a down alert for every failing monitor", () => downAlerts().size >= failing.size);

      // kill -9 one process of each role in turn; a replacement starts while the others carry on.
      const replacements: Array<Promise<RoleProcess>> = [];
      for (const role of ["probe", "evaluator", "scheduler", "notifier", "api"] as const) {
        const victim = c.live(role).find((p) => p !== api1)!;
        await c.kill(victim);
        replacements.push(
          c.start(role, {
            region: victim.region,
            port: role === "api" ? Number(new URL(victim.base).port) : undefined,
            env: role === "probe" ? probeEnv : undefined,
          }),
        );
        await progress(`after kill -9 of ${victim.name}`);
      }
      await Promise.all(replacements);

      // Redis restarted: it comes back empty (no persistence), as if it had been replaced.
      await redis.restart();
      await progress("after the Redis restart");

      // PostgreSQL cut for 5 s: every connection of every process dropped, new ones refused.
      const cutAt = Date.now();
      await proxy.cut();
      await sleep(5_000);
      await proxy.restore();
      const restoredAt = Date.now();
      await progress("after PostgreSQL is back");

      // The failing targets recover: every incident resolves and its recovery is notified.
      target.heal();
      await waitFor("every incident resolved", async () => (await openIncidents()) === 0);
      const upAlerts = () =>
        new Set(
          receiver.requests
            .map((r) => r.json as WebhookBody | undefined)
            .filter((b) => b?.type === "monitor.up")
            .map((b) => b!.data.monitor.id),
        );
      await waitFor("a recovery alert for every failing monitor", () => upAlerts().size >= failing.size);
      expect([...upAlerts()].sort()).toEqual([...failing].sort());

      // The live bus again: a note added through one API process reaches the other's stream.
      const stream = await openStream(api1.base, (abort) => cleanups.push(abort));
      const incident = (await query<{ id: string }>("SELECT id FROM incidents LIMIT 1"))[0]!;
      await waitFor("the note's event on the other API process's stream", async () => {
        await api(api2!.base, "POST", `/api/v1/incidents/${incident.id}/notes`, { body: "after the chaos" });
        await sleep(500);
        return stream.some((m) => m.event === "incident.changed" && m.data.incidentId === incident.id);
      });

      // Every result a probe finished (up to now) is stored.
      const finished = finishedChecks(c.processes.filter((p) => p.role === "probe")).filter((f) => !f.manual);
      expect(finished.length).toBeGreaterThan(MONITORS);
      const stored = new Map<string, string>();
      const readStored = async () => {
        const rows = await query<{ monitor_id: string; region: string; slot_at: Date; status: string }>(
          "SELECT monitor_id, region, slot_at, status FROM check_history",
        );
        stored.clear();
        for (const r of rows) stored.set(key(r.monitor_id, r.region, r.slot_at.getTime()), r.status);
      };
      await waitFor("every finished check's result stored", async () => {
        await readStored();
        return finished.every((f) => stored.has(key(f.monitorId, f.region, f.slotAt)));
      });
      // With its own status, unless it was held through the database outage (stored unknown).
      const changed = finished.filter((f) => stored.get(key(f.monitorId, f.region, f.slotAt)) !== f.status);
      for (const f of changed) {
        expect(stored.get(key(f.monitorId, f.region, f.slotAt)), JSON.stringify(f)).toBe("unknown");
        expect(f.time, `changed outside the outage: ${JSON.stringify(f)}`).toBeGreaterThan(cutAt - 60_000);
        expect(f.time, `changed outside the outage: ${JSON.stringify(f)}`).toBeLessThan(restoredAt + 60_000);
      }

      // Each slot checked at most once per region (probes' log), stored once (the database).
      const runs = new Map<string, number>();
      for (const f of finished)
        runs.set(
          key(f.monitorId, f.region, f.slotAt),
          (runs.get(key(f.monitorId, f.region, f.slotAt)) ?? 0) + 1,
        );
      expect([...runs].filter(([, n]) => n > 1)).toEqual([]);
      const doubled = await query(
        "SELECT monitor_id, region, slot_at, count(*) FROM check_history GROUP BY 1, 2, 3 HAVING count(*) > 1",
      );
      expect(doubled).toEqual([]);
      // Both regions checked every monitor.
      const regionsOf = await query<{ region: string; monitors: string }>(
        "SELECT region, count(DISTINCT monitor_id) AS monitors FROM check_history GROUP BY region ORDER BY region",
      );
      expect(regionsOf).toEqual(REGIONS.map((region) => ({ region, monitors: String(MONITORS) })));

      // No incident opened twice: one per failing monitor (it failed throughout), none overlapping.
      const incidents = await query<{ monitor_id: string; started_at: Date; resolved_at: Date | null }>(
        "SELECT monitor_id, started_at, resolved_at FROM incidents ORDER BY monitor_id, started_at",
      );
      for (const id of failing)
        expect(
          incidents.filter((i) => i.monitor_id === id),
          id,
        ).toHaveLength(1);
      for (let i = 1; i < incidents.length; i++) {
        const [a, b] = [incidents[i - 1]!, incidents[i]!];
        if (a.monitor_id === b.monitor_id) expect(b.started_at >= a.resolved_at!).toBe(true);
      }

      // Notifications: one per monitor and event, every one delivered at least once with its id.
      const notifications = await query<{ id: string; monitor_id: string; event: string; status: string }>(
        "SELECT id, monitor_id, event, status FROM notifications",
      );
      for (const id of failing) {
        const mine = notifications.filter((n) => n.monitor_id === id);
        expect(mine.map((n) => n.event).sort(), id).toEqual(["down", "up"]);
      }
      const byId = new Map<string, Received[]>();
      for (const r of receiver.requests) {
        const id = String(r.headers["webhook-id"]);
        byId.set(id, [...(byId.get(id) ?? []), r]);
        const body = r.json as WebhookBody;
        expect(body.data.notificationId).toBe(id);
      }
      const known = new Set(notifications.map((n) => n.id));
      expect([...byId.keys()].filter((id) => !known.has(id))).toEqual([]);
      await waitFor("every notification sent", async () => {
        const rows = await query<{ n: string }>(
          "SELECT count(*) AS n FROM notifications WHERE status <> 'sent'",
        );
        return rows[0]!.n === "0";
      });
      for (const n of notifications) expect(byId.get(n.id)?.length ?? 0, n.id).toBeGreaterThanOrEqual(1);
      for (const [id, got] of byId) {
        // A redelivery carries the same notification: same monitor, same event.
        const what = got.map(
          (r) => `${(r.json as WebhookBody).type} ${(r.json as WebhookBody).data.monitor.id}`,
        );
        expect(new Set(what).size, id).toBe(1);
      }

      const redelivered = [...byId.values()].filter((got) => got.length > 1).length;
      process.stdout.write(
        `chaos: ${MONITORS} monitors, ${finished.length} checks finished, ${stored.size} results stored, ` +
          `${changed.length} held through the outage, ${notifications.length} notifications, ` +
          `${receiver.requests.length} deliveries (${redelivered} redelivered); ` +
          `${Math.round((Date.now() - startedAt) / 1000)} s after start-up, ${Math.round((Date.now() - started) / 1000)} s in all\n`,
      );
    },
    patientTest(14),
  );
});
