import { afterAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { createLogger } from "../../lib/logger.ts";
import { RedisServer } from "../../test/redis-server.ts";
import { BullmqQueue } from "./bullmq.ts";

/**
 * Redis restarted without persistence comes back empty. A `check.result` queued before and not yet
 * taken ran its check all the same: the process that queued it queues it again (the evaluator
 * stores a slot once), so it is not recorded `unknown` as lost. Other jobs are not replayed.
 */
const redis = new RedisServer();
const queues: BullmqQueue[] = [];
afterAll(async () => {
  for (const q of queues) await q.close();
  await redis.stop();
});

function result(slotAt: number): CheckResult {
  return {
    monitorId: "mon_replay",
    organizationId: "org_replay",
    region: "local",
    slotAt,
    startedAt: slotAt,
    manual: false,
    status: "down",
    statusCode: 500,
    timings: { total: 3 },
    verdicts: [],
  };
}

describe("BullMQ driver when Redis restarts empty", () => {
  it("queues its recent check results again, once the new server answers", async () => {
    await redis.start();
    const producer = new BullmqQueue({ url: redis.url, log: createLogger("silent"), prefix: "replay" });
    queues.push(producer);
    await producer.enqueue("check.result", result(1_000));
    await producer.enqueue("check.result", result(2_000));
    await producer.enqueue("incident.changed", {
      organizationId: "org_replay",
      monitorId: "mon_replay",
      monitorName: "replay",
      incidentId: "inc_1",
      change: "opened",
      at: 1_000,
      cause: null,
    });
    expect((await producer.depth("check.result")).waiting).toBe(2);

    await redis.restart();
    // The producer reconnects, sees a new server (run_id) and queues both results again.
    await expect
      .poll(async () => (await producer.depth("check.result").catch(() => ({ waiting: -1 }))).waiting)
      .toBe(2);
    expect((await producer.depth("incident.changed")).waiting).toBe(0);

    const consumer = new BullmqQueue({ url: redis.url, log: createLogger("silent"), prefix: "replay" });
    queues.push(consumer);
    const got: number[] = [];
    const c = consumer.consume("check.result", async (r) => void got.push(r.slotAt), { concurrency: 1 });
    await expect.poll(() => got.length).toBe(2);
    expect(got.sort()).toEqual([1_000, 2_000]);
    await c.stop(5_000);
  });
});
