import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { PROBE_THREAD_ENTRY } from "../monitor-types/run.ts";
import type { JobPayloads } from "../queue/catalog.ts";
import { MemoryQueue } from "../queue/drivers/memory.ts";
import type { Consumer } from "../queue/queue.ts";
import { httpSpec, startServer, startTestProbeWorker, type TestServer } from "./fixtures.test-support.ts";
import { ProbeThreads } from "./threads.ts";

const silent = createLogger("silent");

/** Polls `check` every 10 ms until it holds (the test's own timeout is the backstop). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Two slots of one monitor on one probe, the first still running when the second is due (a slow
 * target, a busy machine): the second waits for the first instead of overlapping it, and is
 * recorded as not checked when the first outlasts its timeout — never dropped.
 */
describe("probe worker: a monitor's next slot while its check is still in flight", () => {
  let server: TestServer;
  /** Responses held until the test lets them go. */
  const held: ServerResponse[] = [];
  let open = 0;
  let mostOpen = 0;
  let queue: MemoryQueue;
  let threads: ProbeThreads;
  let consumer: Consumer;
  let results: JobPayloads["check.result"][];

  beforeAll(async () => {
    server = await startServer((_req, res) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      res.on("close", () => open--);
      held.push(res);
    });
    threads = new ProbeThreads(2, silent, PROBE_THREAD_ENTRY);
  });
  afterAll(async () => {
    await threads?.close();
    await server?.close();
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.end("ok");
    await consumer?.stop(5_000);
    await queue?.close();
  });

  function start(): void {
    queue = new MemoryQueue(silent);
    results = [];
    queue.consume("check.result", async (r) => void results.push(r), { concurrency: 1 });
    consumer = startTestProbeWorker(queue, threads.probe).consumer;
  }

  const job = (slotAt: number, timeoutMs: number) => ({
    spec: { ...httpSpec(`${server.origin}/slow`, {}, timeoutMs), monitorId: "mon_busy" },
    region: "local",
    slotAt,
    manual: false,
  });

  it("runs the next slot once the first ends, one after the other, both stored", async () => {
    start();
    mostOpen = 0;
    await queue.enqueue("check.run", job(1_000, 10_000));
    await until(() => held.length === 1);
    await queue.enqueue("check.run", job(2_000, 10_000));
    // Both jobs taken, the second waiting for the first (which the target still holds).
    await until(async () => (await queue.depth("check.run", "local")).active === 2);
    held.shift()!.end("ok");
    await until(() => held.length === 1);
    held.shift()!.end("ok");
    await until(() => results.length === 2);
    expect(results.map((r) => [r.slotAt, r.status])).toEqual([
      [1_000, "up"],
      [2_000, "up"],
    ]);
    // Never two requests of one monitor at once.
    expect(mostOpen).toBe(1);
  });

  it("records the next slot `unknown`, with the reason, when the first outlasts its timeout", async () => {
    start();
    await queue.enqueue("check.run", job(1_000, 10_000));
    await until(() => held.length === 1);
    await queue.enqueue("check.run", job(2_000, 300));
    await until(() => results.length === 1);
    expect(results[0]).toMatchObject({ slotAt: 2_000, status: "unknown", verdicts: [] });
    expect(results[0]!.error?.message).toMatch(/previous slot was still running/);
    // The first one still ends normally.
    held.shift()!.end("ok");
    await until(() => results.length === 2);
    expect(results[1]).toMatchObject({ slotAt: 1_000, status: "up" });
    expect(held).toEqual([]);
  });
});
