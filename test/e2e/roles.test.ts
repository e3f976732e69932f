import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { openStream } from "./cluster.ts";
import {
  allResults,
  api,
  freePort,
  httpMonitor,
  patientTest,
  runCli,
  startTarget,
  startUpblitProcess,
  type Target,
  tempDir,
  type UpblitProcess,
  waitFor,
  waitForOutput,
} from "./helpers.ts";

/**
 * Issue 16: every role as its own process, on PostgreSQL and Redis (BullMQ queues, the live bus on
 * Redis pub/sub). A monitor created through the API process is scheduled, probed and recorded by
 * the other processes; a live event made in the evaluator reaches the API's stream; a check lost
 * with a killed probe and checks lost with Redis's keys are recorded `unknown`, never missing.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const running: UpblitProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("roles as separate processes on PostgreSQL and Redis", () => {
  it(
    "checks a monitor made through the API, streams its events across processes, records lost checks unknown",
    async () => {
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const tmp = tempDir("roles");
      cleanups.push(tmp.remove);
      const prefix = `upblit-e2e-${randomBytes(4).toString("hex")}`;
      const redis = new Redis(REDIS_URL);
      const ourKeys = () => redis.keys(`${prefix}:*`);
      cleanups.push(async () => {
        const keys = await ourKeys();
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
      const target: Target = await startTarget();
      cleanups.push(() => target.close());
      // Answers after a minute: a check of it is in flight when its probe is killed.
      const hanging: Target = await startTarget(60_000);
      cleanups.push(() => hanging.close());

      const shared = {
        DATABASE_URL: db.databaseUrl!,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        SECRET_KEY: randomBytes(32).toString("hex"),
        LOST_CHECK_GRACE_SECONDS: "2",
        ALLOW_PRIVATE_TARGETS: "true",
        MIN_INTERVAL_SECONDS: "1",
        LOG_LEVEL: "info",
        SHUTDOWN_TIMEOUT_SECONDS: "5",
        HOST: "127.0.0.1",
      };
      const apiProcess = await startUpblitProcess(`${tmp.dir}/api`, await freePort(), {
        ...shared,
        UPBLIT_ROLES: "api",
      });
      running.push(apiProcess);
      const base = apiProcess.base;
      const startRole = async (role: string) => {
        const p = runCli(["start", "--roles", role], { ...shared, DATA_DIR: `${tmp.dir}/${role}` });
        running.push(p);
        await waitForOutput(p, /roles started/);
        return p;
      };
      const [, probe] = await Promise.all(
        ["scheduler", "probe", "evaluator", "notifier"].map((role) => startRole(role)),
      );

      const stream = await openStream(base, (abort) => cleanups.push(abort));
      const web = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("web", `${target.origin}/ok/web`),
      );

      // Scheduled by one process, probed by another, recorded by a third, read through the API.
      await waitFor("results of the monitor", async () => {
        const results = await allResults(base, web.id);
        return results.filter((r) => r.status === "up").length >= 2;
      });
      // The evaluator's live events reach the API process's stream.
      const live = await waitFor("a live check.result event from the evaluator", () =>
        stream.find((m) => m.event === "check.result" && m.data.monitorId === web.id),
      );
      expect(live!.data.status).toBe("up");

      // "Check now" in the API process finds the probe in another process through the queue.
      const now = await api<{ status: string; manual: boolean }>(
        base,
        "POST",
        `/api/v1/monitors/${web.id}/check?wait=true`,
      );
      expect(now).toMatchObject({ status: "up", manual: true });

      const processes = await api<{ items: Array<{ roles: string[]; live: boolean; region: string }> }>(
        base,
        "GET",
        "/api/v1/system/processes",
      );
      const liveRoles = processes.items.filter((p) => p.live).flatMap((p) => p.roles);
      expect(liveRoles.sort()).toEqual(["api", "evaluator", "notifier", "probe", "scheduler"]);

      // A check in flight when its probe is killed: recorded unknown once its deadline passes.
      const stuck = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("stuck", `${hanging.origin}/slow/stuck`, { intervalSeconds: 60, timeoutMs: 20_000 }),
      );
      await waitFor("a check of the hanging target in flight", () => hanging.active() >= 1);
      probe!.child.kill("SIGKILL");
      await probe!.exited;

      // Checks claimed meanwhile wait in Redis; then Redis loses them (restarted without persistence).
      const waitList = `${prefix}:check.run.local:wait`;
      await waitFor("checks waiting in Redis with no probe", async () => (await redis.llen(waitList)) >= 2);
      const lostJobs = await redis.lrange(waitList, 0, -1);
      const lostSlots: string[] = [];
      for (const id of lostJobs) {
        const data = await redis.hget(`${prefix}:check.run.local:${id}`, "data");
        const job = JSON.parse(data!) as { spec: { monitorId: string }; slotAt: number };
        if (job.spec.monitorId === web.id) lostSlots.push(new Date(job.slotAt).toISOString());
      }
      expect(lostSlots.length).toBeGreaterThan(0);
      const keys = await ourKeys();
      await redis.del(...keys);

      const second = await startRole("probe");
      // Every lost slot is recorded unknown; the checks go on once a probe is back.
      const after = await waitFor("lost slots recorded unknown and checks up again", async () => {
        const results = await allResults(base, web.id);
        const bySlot = new Map(results.map((r) => [r.slotAt, r.status]));
        const lostAllUnknown = lostSlots.every((s) => bySlot.get(s) === "unknown");
        const upAfter = results.some((r) => r.status === "up" && r.slotAt > lostSlots.at(-1)!);
        return lostAllUnknown && upAfter ? results : undefined;
      });
      expect(after!.filter((r) => r.status === "unknown").length).toBeGreaterThanOrEqual(lostSlots.length);
      // The first check of the hanging target died with its probe: unknown, not down.
      const stuckResults = await waitFor("the killed probe's check recorded", async () => {
        const results = await allResults(base, stuck.id);
        return results.length > 0 ? results : undefined;
      });
      const first = [...stuckResults!].sort((a, b) => a.slotAt.localeCompare(b.slotAt))[0];
      expect(first!.status).toBe("unknown");
      expect(second.child.exitCode).toBeNull();
    },
    patientTest(8),
  );
});
