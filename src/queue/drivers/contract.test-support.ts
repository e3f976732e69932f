import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../test/api-helpers.ts";
import { scaledTimeout } from "../../test/patience.ts";
import type { JobPayloads, JobPolicies } from "../catalog.ts";
import type { JobQueue } from "../queue.ts";

/**
 * The one contract every queue driver passes (memory.test.ts, bullmq.test.ts): delivery parsed
 * against the catalog, partitions, concurrency, depth, retries and timeouts per the catalog's
 * policy, consumers that stop. `open` gives a fresh, empty queue each call.
 */
export function describeQueueContract(
  driver: string,
  open: (policies: JobPolicies) => Promise<JobQueue>,
): void {
  describe(`queue contract: ${driver}`, { timeout: scaledTimeout(60_000) }, () => {
    const queues: JobQueue[] = [];
    const fresh = async (policies: JobPolicies = {}) => {
      const q = await open(policies);
      queues.push(q);
      return q;
    };
    afterEach(async () => {
      for (const q of queues.splice(0)) await q.close();
    });

    it("delivers a job enqueued before its consumer, parsed against the catalog", async () => {
      const q = await fresh();
      await q.enqueue("incident.changed", change("inc_1"));
      expect(await q.depth("incident.changed")).toEqual({ waiting: 1, active: 0 });
      const got: JobPayloads["incident.changed"][] = [];
      q.consume("incident.changed", async (p) => void got.push(p), { concurrency: 1 });
      await waitFor(
        async () => got.length,
        (n) => n === 1,
      );
      expect(got[0]).toEqual(change("inc_1"));
      await waitFor(
        () => q.depth("incident.changed"),
        (d) => d.waiting === 0 && d.active === 0,
      );
    });

    it("never hands a handler a malformed job", async () => {
      const q = await fresh();
      const got: string[] = [];
      q.consume("incident.changed", async (p) => void got.push(p.incidentId), { concurrency: 1 });
      await q.enqueue("incident.changed", { ...change("inc_bad"), change: "sideways" } as never);
      await q.enqueue("incident.changed", { organizationId: "org_1" } as never);
      await q.enqueue("incident.changed", change("inc_good"));
      await waitFor(
        async () => got,
        (g) => g.includes("inc_good"),
      );
      await waitFor(
        () => q.depth("incident.changed"),
        (d) => d.waiting === 0 && d.active === 0,
      );
      expect(got).toEqual(["inc_good"]);
    });

    it("sends a check job to its region's queue only", async () => {
      const q = await fresh();
      expect(await q.hasConsumer("check.run", "eu-west")).toBe(false);
      const got: string[] = [];
      q.consume("check.run", async (p) => void got.push(`${p.region}/${p.spec.monitorId}`), {
        concurrency: 2,
        partition: "eu-west",
      });
      expect(await q.hasConsumer("check.run", "eu-west")).toBe(true);
      expect(await q.hasConsumer("check.run", "us-east")).toBe(false);
      await q.enqueue("check.run", checkRun("us-east", "mon_us"));
      await q.enqueue("check.run", checkRun("eu-west", "mon_eu"));
      await waitFor(
        async () => got.length,
        (n) => n === 1,
      );
      expect(got).toEqual(["eu-west/mon_eu"]);
      expect(await q.depth("check.run", "us-east")).toEqual({ waiting: 1, active: 0 });
      await waitFor(
        () => q.depth("check.run", "eu-west"),
        (d) => d.waiting === 0 && d.active === 0,
      );
    });

    it("runs at most `concurrency` jobs at once and counts them active", async () => {
      const q = await fresh();
      const gate = opened();
      let running = 0;
      let most = 0;
      let done = 0;
      for (let i = 0; i < 5; i++) await q.enqueue("incident.changed", change(`inc_${i}`));
      q.consume(
        "incident.changed",
        async () => {
          running++;
          most = Math.max(most, running);
          await gate.wait;
          running--;
          done++;
        },
        { concurrency: 2 },
      );
      await waitFor(
        () => q.depth("incident.changed"),
        (d) => d.active === 2 && d.waiting === 3,
      );
      gate.open();
      await waitFor(
        async () => done,
        (n) => n === 5,
      );
      expect(most).toBe(2);
    });

    it("tries a failed job again per its policy, and a check never", async () => {
      const q = await fresh({ "incident.changed": { backoffMs: 10 }, "check.run": { backoffMs: 10 } });
      const calls = new Map<string, number>();
      const bump = (k: string) => calls.set(k, (calls.get(k) ?? 0) + 1);
      q.consume(
        "incident.changed",
        async (p) => {
          bump(p.incidentId);
          if (calls.get(p.incidentId) === 1) throw new Error("first attempt fails");
        },
        { concurrency: 1 },
      );
      q.consume(
        "check.run",
        async (p) => {
          bump(p.spec.monitorId);
          if (p.spec.monitorId === "mon_fails") throw new Error("a check that failed to run");
        },
        { concurrency: 1, partition: "local" },
      );
      await q.enqueue("incident.changed", change("inc_retry"));
      await q.enqueue("check.run", checkRun("local", "mon_fails"));
      await q.enqueue("check.run", checkRun("local", "mon_next"));
      await waitFor(
        async () => calls.get("inc_retry") ?? 0,
        (n) => n === 2,
      );
      await waitFor(
        async () => calls.get("mon_next") ?? 0,
        (n) => n === 1,
      );
      await waitFor(
        () => q.depth("check.run", "local"),
        (d) => d.waiting === 0 && d.active === 0,
      );
      expect(calls.get("mon_fails")).toBe(1);
    });

    it("fails an attempt that outlives the job's timeout, then tries again", async () => {
      const q = await fresh({ "incident.changed": { timeoutMs: 300, backoffMs: 10 } });
      let calls = 0;
      const finished: number[] = [];
      q.consume(
        "incident.changed",
        async () => {
          const call = ++calls;
          if (call === 1) await new Promise(() => {}); // hangs: only the timeout ends the attempt
          finished.push(call);
        },
        { concurrency: 1 },
      );
      await q.enqueue("incident.changed", change("inc_slow"));
      await waitFor(
        async () => finished,
        (f) => f.length === 1,
      );
      expect(finished).toEqual([2]);
    });

    it("stops: no more jobs taken, the running one awaited until the deadline", async () => {
      const q = await fresh();
      const gate = opened();
      let started = 0;
      const consumer = q.consume(
        "incident.changed",
        async () => {
          started++;
          await gate.wait;
        },
        { concurrency: 1 },
      );
      await q.enqueue("incident.changed", change("inc_a"));
      await q.enqueue("incident.changed", change("inc_b"));
      await waitFor(
        async () => consumer.active,
        (n) => n === 1,
      );
      expect(await consumer.stop(50)).toBe(false);
      expect(await q.hasConsumer("incident.changed")).toBe(false);
      const stopped = consumer.stop(scaledTimeout(20_000));
      gate.open();
      expect(await stopped).toBe(true);
      expect(started).toBe(1);
      expect((await q.depth("incident.changed")).waiting).toBe(1);
    });
  });
}

function opened(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

function change(incidentId: string): JobPayloads["incident.changed"] {
  return {
    organizationId: "org_1",
    monitorId: "mon_1",
    monitorName: "API",
    incidentId,
    change: "opened",
    at: 1_800_000_000_000,
    cause: null,
  };
}

function checkRun(region: string, monitorId: string): JobPayloads["check.run"] {
  return {
    spec: {
      monitorId,
      organizationId: "org_1",
      type: "http",
      target: "https://example.com/",
      timeoutMs: 5_000,
      assertions: [],
    } as unknown as JobPayloads["check.run"]["spec"],
    region,
    slotAt: 1_800_000_000_000,
    manual: false,
  };
}
