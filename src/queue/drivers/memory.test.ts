import { describe, expect, it } from "vitest";
import { createLogger } from "../../lib/logger.ts";
import { describeQueueContract } from "./contract.test-support.ts";
import { MemoryQueue } from "./memory.ts";

const silent = createLogger("silent");

describeQueueContract("memory", async (policies) => new MemoryQueue(silent, { policies }));

describe("memory queue, embedded default", () => {
  it("hands over payloads as enqueued when told not to parse (they never leave the process)", async () => {
    const q = new MemoryQueue(silent, { parse: false });
    const got: unknown[] = [];
    q.consume("incident.changed", async (p) => void got.push(p), { concurrency: 1 });
    const odd = { incidentId: "inc_1", extra: new Map() } as never;
    await q.enqueue("incident.changed", odd);
    expect(got[0]).toBe(odd);
    await q.close();
  });
});
