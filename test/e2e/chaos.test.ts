import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../src/domain/permissions.ts";
import { openDatabase } from "../../src/storage/db.ts";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { type Received, type Receiver, startReceiver } from "../../src/test/receiver.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import {
  Cluster,
  ensureBuilt,
  finishedWhenStored,
  openStream,
  type RoleProcess,
  slotKey,
  startOwnRedis,
} from "./cluster.ts";
import { clusterEnv } from "./cluster-env.ts";
import {
  api,
  httpMonitor,
  patientTest,
  sleep,
  startTarget,
  type Target,
  tempDir,
  waitFor,
} from "./helpers.ts";

/**
 * Issue 16, item 6: every role as real processes on PostgreSQL and Redis — 2 API, 2 schedulers
 * (one per region), 3 probes in 2 regions, 2 evaluators, 2 notifiers — and 200 monitors checked
 * from both regions, half of them failing. One process of each role is killed (kill -9) in turn
 * and started again; then the Redis server is restarted empty; then PostgreSQL is cut for 5 s.
 * Afterwards: no slot checked twice in a region, every result a probe finished is stored, no
 * incident opened twice, every notification delivered with one id, the recovery alerts sent,
 * and a change made through one API process seen on the other's live stream.
 *
 * The Redis server is the test's own (restarting the shared one would break other tests); the
 * PostgreSQL cut is a proxy between the cluster and the shared server.
 */
const MONITORS = 200;
const INTERVAL_S = 10;
const REGIONS = ["eu", "us"] as const;

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface WebhookPayload {
  type: string;
  data: { notificationId: string; monitor?: { id: string } };
}
const payloadOf = (r: Received) => r.json as WebhookPayload;

describe("chaos: kill -9 of every role, Redis restarted, PostgreSQL cut", () => {
  it(
    "checks no slot twice, loses no finished result, pages once, recovers and keeps the live bus",
    async () => {
      const t0 = Date.now();
      const steps: string[] = [];
      const step = (what: string) => steps.push(`${Math.round((Date.now() - t0) / 1000)} s ${what}`);
      await ensureBuilt();
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const tmp = tempDir("chaos");
      cleanups.push(tmp.remove);
      const pg = new TcpProxy(5432);
      await pg.start();
      cleanups.push(() => pg.stop());
      const redis = await startOwnRedis(tmp.dir);
      cleanups.push(() => redis.stop());
      const target: Target = await startTarget();
      cleanups.push(() => target.close());
      // Deliveries take a while each, so some are in flight when a notifier is killed.
      const receiver: Receiver = await startReceiver();
      cleanups.push(() => receiver.close());
      receiver.respond((_req, res) => {
        setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), 200);
      });

      const cluster = new Cluster(
        {
          ...clusterEnv({
            databaseUrl: db.databaseUrl!.replace(":5432/", `:${pg.port}/`),
            redisUrl: redis.url,
            redisPrefix: "chaos",
          }),
          API_RATE_LIMIT_PER_KEY: "1000000",
          API_RATE_LIMIT_PER_USER: "1000000",
          // A killed notifier's claimed deliveries go to the other one after this.
          NOTIFY_LEASE_SECONDS: "10",
        },
        tmp.dir,
        { built: true },
      );
      cleanups.push(() => cluster.killAll());
      const debug = { LOG_LEVEL: "debug" };
      const first = await cluster.start("api");
      // An API key for every call: the run may outlast an access token's 15 minutes.
      const { token: key } = await api<{ token: string }>(first.base, "POST", "/api/v1/api-keys", {
        name: "chaos",
        scopes: [...SCOPES],
      });
      for (const name of REGIONS)
        await api(first.base, "POST", "/api/v1/regions", { name, kind: "local" }, key);
      await Promise.all([
        cluster.start("api"),
        ...REGIONS.map((region) => cluster.start("scheduler", { region })),
        // At debug a probe logs every check it finished (finishedChecks).
        cluster.start("probe", { region: "eu", env: debug }),
        cluster.start("probe", { region: "eu", env: debug }),
        cluster.start("probe", { region: "us", env: debug }),
        cluster.start("evaluator"),
        cluster.start("evaluator"),
        cluster.start("notifier"),
        cluster.start("notifier"),
      ]);
      step("13 processes started");
      const liveApi = () => cluster.live("api")[0]!.base;

      await api(
        first.base,
        "POST",
        "/api/v1/channels",
        {
          name: "ops webhook",
          kind: "webhook",
          config: { url: `${receiver.origin}/hooks/upblit` },
          secrets: { signingSecret: `whsec_${randomBytes(32).toString("base64")}` },
          isDefault: true,
        },
        key,
      );
      const failing = new Set<string>();
      const monitorIds: string[] = [];
      const apis = cluster.live("api").map((p) => p.base);
      for (let i = 0; i < MONITORS; i += 4) {
        const made = await Promise.all(
          [i, i + 1, i + 2, i + 3].map(async (n) => {
            const fails = n % 2 === 0;
            const m = await api<{ id: string }>(
              apis[n % apis.length]!,
              "POST",
              "/api/v1/monitors",
              httpMonitor(`m${n}`, `${target.origin}/${fails ? "fail" : "ok"}/${n}`, {
                intervalSeconds: INTERVAL_S,
                timeoutMs: 5_000,
                regions: [...REGIONS],
              }),
              key,
            );
            if (fails) failing.add(m.id);
            return m.id;
          }),
        );
        monitorIds.push(...made);
      }
      step(`${MONITORS} monitors created`);

      const store = await openDatabase({ driver: "postgres", url: db.databaseUrl! });
      cleanups.push(() => store.destroy());
      const stored = async () =>
        (
          await sql<{ monitor_id: string; region: string; slot_at: Date; status: string; manual: boolean }>`
            SELECT monitor_id, region, slot_at, status, manual FROM check_results
          `.execute(store)
        ).rows;
      /** Every monitor has a result from every region for a slot at or after `at`. */
      const everyMonitorPast = async (at: number, what: string) => {
        await waitFor(`every monitor checked from both regions after ${what}`, async () => {
          const newest = new Map<string, number>();
          for (const r of await stored()) {
            const key = `${r.monitor_id}|${r.region}`;
            newest.set(key, Math.max(newest.get(key) ?? 0, r.slot_at.getTime()));
          }
          return monitorIds.every((id) =>
            REGIONS.every((region) => (newest.get(`${id}|${region}`) ?? 0) >= at),
          );
        });
        step(`checks flow after ${what}`);
      };
      /** The monitors the receiver got an alert of this type for. */
      const alerted = (type: "monitor.down" | "monitor.up") =>
        new Set(
          receiver.requests
            .map(payloadOf)
            .filter((p) => p.type === type)
            .map((p) => p.data.monitor?.id),
        );
      const downSent = () => alerted("monitor.down");

      // The notifier first, killed while the first wave of down alerts is being sent.
      await waitFor("the first down alerts delivered", () => downSent().size >= 5);
      const notifier = cluster.live("notifier")[0] as RoleProcess;
      await cluster.restart(notifier, "SIGKILL");
      step(`notifier killed after ${downSent().size} down alerts; restarted`);
      await waitFor("a down alert for every failing monitor", () =>
        [...failing].every((id) => downSent().has(id)),
      );
      step("every failing monitor alerted");

      // Then one process of each other role, each once the checks flow again.
      for (const [role, region] of [
        ["api", undefined],
        ["scheduler", "eu"],
        ["probe", "eu"],
        ["evaluator", undefined],
      ] as const) {
        const victim = cluster.live(role).find((p) => p.region === region) as RoleProcess;
        const at = Date.now();
        await cluster.restart(victim, "SIGKILL");
        step(`${victim.name} killed and restarted`);
        await everyMonitorPast(at, `the kill of ${victim.name}`);
      }

      // Redis restarted: an empty server (no persistence) on the same port.
      let at = Date.now();
      await redis.restart();
      step("redis restarted empty");
      await everyMonitorPast(at, "the Redis restart");

      // PostgreSQL unreachable for 5 s: every connection dropped, new ones refused. The cut's
      // length is the scenario itself, not a wait for something to happen.
      at = Date.now();
      await pg.cut();
      await sleep(5_000);
      await pg.restore();
      step("postgres cut for 5 s");
      await everyMonitorPast(at, "the PostgreSQL cut");

      // The live bus works again: a change through one API process reaches the other's stream.
      const [one, other] = cluster.live("api");
      const stream = await openStream(other!.base, (abort) => cleanups.push(abort), key);
      const incidents = await api<{ items: Array<{ id: string; monitorId: string }> }>(
        one!.base,
        "GET",
        "/api/v1/incidents?status=open&limit=5",
        undefined,
        key,
      );
      const incident = incidents.items[0]!;
      await api(one!.base, "POST", `/api/v1/incidents/${incident.id}/acknowledge`, {}, key);
      await waitFor(
        "the acknowledgement on the other API process's stream",
        () =>
          stream.find(
            (m) =>
              m.event === "incident.changed" &&
              m.data.incidentId === incident.id &&
              m.data.change === "acknowledged",
          ),
        10_000,
      );
      step("live bus across API processes");

      // The failing targets recover: one recovery alert each.
      target.heal();
      const upSent = () => alerted("monitor.up");
      await waitFor("a recovery alert for every failing monitor", () =>
        [...failing].every((id) => upSent().has(id)),
      );
      step("every failing monitor recovered");
      await waitFor("every notification sent", async () => {
        const open = await store
          .selectFrom("notifications")
          .select("id")
          .where("status", "!=", "sent")
          .execute();
        return open.length === 0;
      });
      step("outbox empty");

      // No slot checked twice in a region (probes' own logs, killed ones included).
      const finished = (
        await finishedWhenStored(
          cluster.processes.filter((p) => p.role === "probe"),
          async () =>
            new Set((await stored()).map((r) => slotKey(r.monitor_id, r.region, r.slot_at.getTime()))),
        )
      ).filter((c) => !c.manual);
      expect(finished.length).toBeGreaterThan(MONITORS * 2);
      const times = new Map<string, number>();
      for (const c of finished) {
        const key = `${c.monitorId}|${c.region}|${c.slotAt}`;
        times.set(key, (times.get(key) ?? 0) + 1);
      }
      expect([...times].filter(([, n]) => n > 1)).toEqual([]);

      // Every check a probe finished is stored: as it was, or `unknown` when it was written late
      // because our own database was cut (it must not move a state then).
      const rows = await stored();
      const byKey = new Map(
        rows.map((r) => [`${r.monitor_id}|${r.region}|${r.slot_at.getTime()}`, r.status]),
      );
      const lost = finished.filter((c) => {
        const s = byKey.get(`${c.monitorId}|${c.region}|${c.slotAt}`);
        return s !== c.status && s !== "unknown";
      });
      expect(lost).toEqual([]);
      const storedUnknown = finished.filter(
        (c) => c.status !== "unknown" && byKey.get(`${c.monitorId}|${c.region}|${c.slotAt}`) === "unknown",
      ).length;

      // No incident opened twice: one per failing monitor, and a healthy one never more than once.
      const opened = await store.selectFrom("incidents").select(["id", "monitor_id", "status"]).execute();
      const perMonitor = new Map<string, number>();
      for (const i of opened) perMonitor.set(i.monitor_id!, (perMonitor.get(i.monitor_id!) ?? 0) + 1);
      for (const id of failing) expect(perMonitor.get(id), `incidents of failing ${id}`).toBe(1);
      expect([...perMonitor].filter(([, n]) => n > 1)).toEqual([]);
      expect(opened.filter((i) => i.status !== "resolved")).toEqual([]);

      // Every notification delivered at least once, always with its one id, and one down and one
      // up alert per monitor at most (each had one incident at most: none made twice).
      const notifications = await store
        .selectFrom("notifications")
        .select(["id", "monitor_id", "event"])
        .execute();
      const delivered = new Map<string, Received[]>();
      for (const r of receiver.requests) {
        const id = String(r.headers["webhook-id"]);
        expect(payloadOf(r).data.notificationId).toBe(id);
        delivered.set(id, [...(delivered.get(id) ?? []), r]);
      }
      expect(notifications.filter((n) => !delivered.has(n.id))).toEqual([]);
      expect([...delivered.keys()].filter((id) => !notifications.some((n) => n.id === id))).toEqual([]);
      const perEvent = new Map<string, number>();
      for (const n of notifications.filter((n) => n.event === "down" || n.event === "up")) {
        const key = `${n.monitor_id}|${n.event}`;
        perEvent.set(key, (perEvent.get(key) ?? 0) + 1);
      }
      expect([...perEvent].filter(([, count]) => count > 1)).toEqual([]);
      const repeats = [...delivered.values()].filter((list) => list.length > 1).length;

      process.stdout.write(
        `chaos: ${finished.length} checks finished, ${storedUnknown} stored unknown (written during the cut), ` +
          `${notifications.length} notifications, ${repeats} delivered twice (same id); ` +
          `${Math.round((Date.now() - t0) / 1000)} s in all:\n  ${steps.join("\n  ")}\n`,
      );
      expect(liveApi()).toBeDefined();
    },
    patientTest(12),
  );
});
