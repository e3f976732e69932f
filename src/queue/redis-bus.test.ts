import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { waitFor } from "../test/api-helpers.ts";
import type { LiveEvent } from "./bus.ts";
import { RedisBus } from "./redis-bus.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const silent = createLogger("silent");

/** Two buses on one Redis stand for two processes (the e2e test uses real ones: test/e2e/roles.test.ts). */
describe("live bus on Redis pub/sub", () => {
  const open: RedisBus[] = [];
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
  });

  const event = (organizationId: string, monitorId: string): LiveEvent => ({
    type: "check.result",
    organizationId,
    monitorId,
    region: "local",
    status: "up",
    slotAt: new Date(0).toISOString(),
    totalMs: 1,
  });

  it("delivers an event to this process at once and to the other process's subscribers, once each", async () => {
    const prefix = `upblit-test-${randomUUID().slice(0, 8)}`;
    const a = await RedisBus.open(REDIS_URL, silent, prefix);
    const b = await RedisBus.open(REDIS_URL, silent, prefix);
    const elsewhere = await RedisBus.open(REDIS_URL, silent, `${prefix}-other`);
    open.push(a, b, elsewhere);
    const seen = {
      a: [] as string[],
      b: [] as string[],
      otherOrg: [] as string[],
      elsewhere: [] as string[],
    };
    a.subscribe("org_1", (e) => seen.a.push((e as { monitorId: string }).monitorId));
    b.subscribe("org_1", (e) => seen.b.push((e as { monitorId: string }).monitorId));
    b.subscribe("org_2", (e) => seen.otherOrg.push((e as { monitorId: string }).monitorId));
    elsewhere.subscribe("org_1", (e) => seen.elsewhere.push((e as { monitorId: string }).monitorId));

    a.publish(event("org_1", "mon_1"));
    expect(seen.a).toEqual(["mon_1"]); // synchronous in the publishing process, as in memory
    await waitFor(
      async () => seen.b.length,
      (n) => n === 1,
    );
    b.publish(event("org_1", "mon_2"));
    await waitFor(
      async () => seen.a.length,
      (n) => n === 2,
    );
    // A marker through the same channel: once it arrives, anything duplicated would have too.
    a.publish(event("org_1", "mon_3"));
    await waitFor(
      async () => seen.b.length,
      (n) => n === 3,
    );
    expect(seen).toEqual({
      a: ["mon_1", "mon_2", "mon_3"],
      b: ["mon_1", "mon_2", "mon_3"],
      otherOrg: [],
      elsewhere: [],
    });
  });
});
