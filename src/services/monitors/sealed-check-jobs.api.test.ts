/**
 * Check jobs on Redis (BullMQ, roles in separate processes): a job waiting in Redis holds its
 * monitor's password sealed, never in clear, and a probe in another process (the same
 * SECRET_KEY) opens it and logs in. Two Upblits in this test process on one PostgreSQL and one
 * Redis: the first without the probe role, so its scheduler's jobs wait in Redis to be read.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  createMonitor,
  getJson,
  monitorBody,
  type ResultJson,
  waitFor,
} from "../../test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SUFFIX = `${process.pid}-${Date.now()}`;
const REDIS_USER = `upblit-job-${SUFFIX}`;
const REDIS_PASSWORD = `redis-InJob-${SUFFIX}`;
const REDIS_KEY = `upblit:job:${SUFFIX}`;
const SECRET_KEY = `sealed-check-jobs-test-key-${randomUUID()}`;

describe("check jobs in Redis hold their secrets sealed", () => {
  const prefix = `upblit-test-${randomUUID().slice(0, 8)}`;
  const env = { REDIS_URL, REDIS_PREFIX: prefix, SECRET_KEY };
  let admin: Redis;
  let scheduler: TestUpblit;
  let probe: TestUpblit | undefined;
  let shared = "";

  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
    await admin.call(
      "ACL",
      "SETUSER",
      REDIS_USER,
      "on",
      `>${REDIS_PASSWORD}`,
      "~*",
      "-@all",
      "+@read",
      "+info",
    );
    await admin.set(REDIS_KEY, "hello");
    scheduler = await startTestUpblit(
      "postgres",
      { ...env, UPBLIT_ROLES: "api,scheduler,evaluator" },
      {
        databaseUrlFor: (url) => {
          shared = url;
          return url;
        },
      },
    );
  });
  afterAll(async () => {
    await probe?.close();
    await scheduler?.close();
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.call("ACL", "DELUSER", REDIS_USER);
    await admin.del(REDIS_KEY);
    admin.disconnect();
  });

  /** The payloads of the check jobs stored under this test's prefix (BullMQ keeps each in a hash's `data`). */
  const storedJobs = async (): Promise<string[]> => {
    const keys = await admin.keys(`${prefix}:*`);
    const out: string[] = [];
    for (const key of keys) {
      if ((await admin.type(key)) !== "hash") continue;
      const data = await admin.hget(key, "data");
      if (data?.includes('"monitorId"')) out.push(data);
    }
    return out;
  };

  it("the waiting job holds no plaintext password, and a probe elsewhere still logs in", async () => {
    const m = await createMonitor(
      scheduler,
      monitorBody("redis", {
        name: "redis in a job",
        intervalSeconds: 1,
        target: "127.0.0.1:6379",
        redis: { username: REDIS_USER, password: REDIS_PASSWORD, command: "GET", args: [REDIS_KEY] },
        assertions: [{ subject: "redis.reply", op: "==", value: "hello" }],
      }),
    );
    // No probe yet: the scheduler's job waits in Redis.
    const jobs = await waitFor(storedJobs, (found) => found.some((j) => j.includes(m.id)));
    const job = jobs.find((j) => j.includes(m.id))!;
    expect(job).toContain(REDIS_USER);
    expect(job).toContain("$sealed");
    expect(job).not.toContain(REDIS_PASSWORD);

    // A probe process with the same SECRET_KEY opens it and logs in.
    probe = await startTestUpblit(
      "postgres",
      { ...env, DATABASE_URL: shared, UPBLIT_ROLES: "probe" },
      { bootstrap: false },
    );
    const page = await waitFor(
      () => getJson<{ items: ResultJson[] }>(scheduler, `${API}/monitors/${m.id}/results`),
      (p) => p.items.some((r) => r.status === "up"),
    );
    const up = page.items.find((r) => r.status === "up")!;
    expect(up.error).toBeNull();
    for (const j of await storedJobs()) expect(j).not.toContain(REDIS_PASSWORD);
  });
});
