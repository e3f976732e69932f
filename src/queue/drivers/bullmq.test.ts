import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { createLogger } from "../../lib/logger.ts";
import { BullmqQueue } from "./bullmq.ts";
import { describeQueueContract } from "./contract.test-support.ts";

/** The real Redis on loopback (services listed in docs/development.md). */
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `upblit-test-${randomUUID().slice(0, 8)}`;
let n = 0;

describeQueueContract(
  "bullmq",
  async (policies) =>
    new BullmqQueue({ url: REDIS_URL, log: createLogger("silent"), prefix: `${PREFIX}-${n++}`, policies }),
);

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}-*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});
