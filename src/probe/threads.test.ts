import { threadId } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { PROBE_THREAD_ENTRY } from "../monitor-types/run.ts";
import type { JobPayloads } from "../queue/catalog.ts";
import { MemoryQueue } from "../queue/drivers/memory.ts";
import {
  httpSpec,
  PRIVATE_OK,
  startServer,
  startTestProbeWorker,
  type TestServer,
} from "./fixtures.test-support.ts";
import { ProbeThreadStopped, ProbeThreads } from "./threads.ts";

const silent = createLogger("silent");
const CRASHING = new URL("./fixtures/crashing-thread.mjs", import.meta.url);

describe("ProbeThreads", () => {
  let server: TestServer;
  let served = 0;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      served++;
      res.end("ok");
    });
  });
  afterAll(async () => server?.close());

  it("runs real checks in worker threads", async () => {
    const threads = new ProbeThreads(2, silent, PROBE_THREAD_ENTRY);
    try {
      const before = served;
      const observations = await Promise.all(
        Array.from({ length: 6 }, () => threads.probe(httpSpec(server.origin), PRIVATE_OK)),
      );
      expect(served - before).toBe(6);
      for (const o of observations) {
        expect(o.error).toBeUndefined();
        expect(o.statusCode).toBe(200);
        expect(o.timings.connect).toBeGreaterThanOrEqual(0);
        expect(o.timings.total).toBeGreaterThan(0);
      }
      // Refused targets are judged in the thread too: the same options travel with each check.
      const refused = await threads.probe(httpSpec(server.origin), {
        ...PRIVATE_OK,
        allowPrivateTargets: false,
      });
      expect(refused.error?.kind).toBe("blocked");
    } finally {
      await threads.close();
    }
  });

  it("spreads checks in flight over the threads", async () => {
    const threads = new ProbeThreads(2, silent, CRASHING);
    try {
      const seen = await Promise.all(
        ["a", "b", "c", "d"].map((t) => threads.probe(httpSpec(`http://${t}.example/`), PRIVATE_OK)),
      );
      const perThread = new Map<string, number>();
      for (const o of seen) perThread.set(o.headers!.thread!, (perThread.get(o.headers!.thread!) ?? 0) + 1);
      expect([...perThread.values()]).toEqual([2, 2]);
      expect(perThread.has(String(threadId))).toBe(false);
    } finally {
      await threads.close();
    }
  });

  it("a thread that dies fails its in-flight checks and is replaced", async () => {
    const threads = new ProbeThreads(1, silent, CRASHING);
    try {
      await expect(threads.probe(httpSpec("http://crash.example/"), PRIVATE_OK)).rejects.toBeInstanceOf(
        ProbeThreadStopped,
      );
      const next = await threads.probe(httpSpec("http://fine.example/"), PRIVATE_OK);
      expect(next.statusCode).toBe(299);
      expect(next.headers?.seen).toBe("http://fine.example/");
      expect(threads.size).toBe(1);
    } finally {
      await threads.close();
    }
    await expect(threads.probe(httpSpec("http://fine.example/"), PRIVATE_OK)).rejects.toBeInstanceOf(
      ProbeThreadStopped,
    );
  });

  it("the probe role records a check lost with its thread as unknown, not down", async () => {
    const queue = new MemoryQueue(silent);
    const threads = new ProbeThreads(1, silent, CRASHING);
    const results: JobPayloads["check.result"][] = [];
    queue.consume("check.result", async (r) => void results.push(r), { concurrency: 1 });
    const { consumer, inFlight } = startTestProbeWorker(queue, threads.probe);
    try {
      const job = (target: string, monitorId: string) => ({
        spec: { ...httpSpec(target), monitorId },
        region: "local",
        slotAt: Date.now(),
        manual: false,
      });
      const arrived = async (n: number) => {
        for (let i = 0; i < 300 && results.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      };
      await queue.enqueue("check.run", job("http://crash.example/", "mon_lost"));
      await arrived(1);
      await queue.enqueue("check.run", job("http://fine.example/", "mon_fine"));
      await arrived(2);
      const byMonitor = Object.fromEntries(results.map((r) => [r.monitorId, r]));
      expect(byMonitor["mon_lost"]).toMatchObject({ status: "unknown", verdicts: [] });
      expect(byMonitor["mon_lost"]!.error?.kind).toBe("internal");
      expect(byMonitor["mon_fine"]!.status).not.toBe("unknown");
      expect(inFlight.size).toBe(0);
    } finally {
      await consumer.stop(1_000);
      await threads.close();
      await queue.close();
    }
  });
});
