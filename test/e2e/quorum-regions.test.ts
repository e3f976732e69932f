import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { clusterEnv } from "./cluster-env.ts";
import {
  allResults,
  api,
  freePort,
  httpMonitor,
  incidentsOf,
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
 * Issue 16: probes in two regions as real processes on PostgreSQL and Redis, and a monitor checked
 * from both with a quorum of 2. Region `us`'s probe may not reach private addresses
 * (ALLOW_PRIVATE_TARGETS=false), so the loopback target fails from `us` only: one region's
 * failure opens no incident. Then the target fails for `eu` too (it answers 500): one incident,
 * which records what each region saw.
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

describe("two regions, each with its own probe process, and a quorum of both", () => {
  it(
    "opens no incident while one region fails, and one incident with both regions' view when both do",
    async () => {
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const tmp = tempDir("regions");
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

      const shared = clusterEnv({ databaseUrl: db.databaseUrl!, redisUrl: REDIS_URL, redisPrefix: prefix });
      // The API and the evaluator (which judges the quorum) in one process; per region a
      // scheduler (it claims its own region's slots) and that region's probe.
      const apiProcess = await startUpblitProcess(`${tmp.dir}/api`, await freePort(), {
        ...shared,
        UPBLIT_ROLES: "api,evaluator",
      });
      running.push(apiProcess);
      const base = apiProcess.base;
      for (const name of ["eu", "us"]) {
        await api(base, "POST", "/api/v1/regions", { name, kind: "local" });
      }
      const region = (name: string, env: Record<string, string> = {}) => {
        const p = runCli(["start", "--roles", "scheduler,probe", "--region", name], {
          ...shared,
          DATA_DIR: `${tmp.dir}/${name}`,
          ...env,
        });
        running.push(p);
        return waitForOutput(p, /roles started/);
      };
      await Promise.all([region("eu"), region("us", { ALLOW_PRIVATE_TARGETS: "false" })]);
      await waitFor("both regions live", async () => {
        const list = await api<{ items: Array<{ name: string; status: string; probes: number }> }>(
          base,
          "GET",
          "/api/v1/regions",
        );
        return ["eu", "us"].every((n) => list.items.find((r) => r.name === n)?.status === "live");
      });

      const monitor = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("two regions", `${target.origin}/ok/q`, { regions: ["eu", "us"], quorum: 2 }),
      );

      // One region fails (us may not reach the target), the other sees it up: slot after slot,
      // and still no incident, and the monitor is never down.
      const bothSaw = async () => {
        const results = (await allResults(base, monitor.id)).filter((r) => !r.manual);
        const bySlot = new Map<string, Map<string, string>>();
        for (const r of results) {
          const slot = bySlot.get(r.slotAt) ?? new Map<string, string>();
          slot.set(r.region, r.status);
          bySlot.set(r.slotAt, slot);
        }
        return [...bySlot.values()].filter((s) => s.has("eu") && s.has("us"));
      };
      const split = await waitFor("three slots seen by both regions", async () => {
        const slots = await bothSaw();
        return slots.length >= 3 ? slots : undefined;
      });
      for (const s of split!) expect(Object.fromEntries(s)).toEqual({ eu: "up", us: "down" });
      const usResult = (await allResults(base, monitor.id)).find((r) => r.region === "us");
      expect(usResult?.status).toBe("down");
      expect(await incidentsOf(base, monitor.id)).toEqual([]);
      const stateNow = await api<{ state: string }>(base, "GET", `/api/v1/monitors/${monitor.id}`);
      expect(stateNow.state).not.toBe("down");

      // Now the target fails for both regions: one incident, naming both regions down.
      await api(base, "PATCH", `/api/v1/monitors/${monitor.id}`, { target: `${target.origin}/fail/q` });
      const [incident] = (await waitFor("an incident", async () => {
        const found = await incidentsOf(base, monitor.id);
        return found.length > 0 ? found : undefined;
      }))!;
      const detail = await api<{ regions: Record<string, string> | null; status: string }>(
        base,
        "GET",
        `/api/v1/incidents/${incident!.id}`,
      );
      expect(detail.status).toBe("open");
      expect(detail.regions).toEqual({ eu: "down", us: "down" });
      // It stays one incident while both keep failing.
      await waitFor("more slots seen by both regions after the incident", async () => {
        const slots = await bothSaw();
        return slots.filter((s) => s.get("eu") === "down").length >= 3;
      });
      expect(await incidentsOf(base, monitor.id)).toHaveLength(1);
    },
    patientTest(8),
  );
});
