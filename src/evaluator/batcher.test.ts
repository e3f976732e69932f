import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CheckResult, ResultStatus } from "../domain/check-result.ts";
import { createLogger } from "../lib/logger.ts";
import { type BatcherOptions, ResultBatcher } from "./batcher.ts";

const T0 = Date.UTC(2030, 0, 1);

function result(i: number, status: ResultStatus = "down"): CheckResult {
  return {
    monitorId: `mon_${String(i % 7).padStart(2, "0")}`,
    organizationId: "org_test",
    region: "local",
    slotAt: T0 + i * 1_000,
    startedAt: T0 + i * 1_000 + 5,
    manual: false,
    status,
    statusCode: status === "up" ? 200 : 500,
    timings: { total: 12 },
    verdicts: [],
  };
}

/**
 * The batcher's edge is its write callback: this one stands in for the database and fails the
 * first `failFirst` calls, recording every batch it was given.
 */
function flakyWrite(failFirst: number) {
  const calls: CheckResult[][] = [];
  const stored: CheckResult[] = [];
  let running = 0;
  let maxRunning = 0;
  const write = async (batch: CheckResult[]) => {
    calls.push(batch.map((r) => ({ ...r })));
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      await Promise.resolve();
      if (calls.length <= failFirst) throw new Error("connection refused (database is down)");
      stored.push(...batch);
    } finally {
      running--;
    }
  };
  return { write, calls, stored, maxRunning: () => maxRunning };
}

function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger("info", stream), lines };
}

const OPTIONS: BatcherOptions = { maxBatch: 4, flushMs: 200, maxBuffered: 1_000 };
const key = (r: CheckResult) => `${r.monitorId}|${r.slotAt}`;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("ResultBatcher when writes succeed", () => {
  it("writes a full batch at once and the rest after flushMs, in arrival order", async () => {
    const db = flakyWrite(0);
    const b = new ResultBatcher(db.write, logSink().log, OPTIONS);
    for (let i = 0; i < 4; i++) b.add(result(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(db.calls.map((c) => c.length)).toEqual([4]);
    b.add(result(4));
    b.add(result(5));
    await vi.advanceTimersByTimeAsync(150);
    expect(db.calls.map((c) => c.length)).toEqual([4]);
    await vi.advanceTimersByTimeAsync(100);
    expect(db.calls.map((c) => c.length)).toEqual([4, 2]);
    expect(db.stored.map(key)).toEqual([0, 1, 2, 3, 4, 5].map((i) => key(result(i))));
    expect(db.stored.every((r) => r.status === "down")).toBe(true);
    expect(b.pending).toBe(0);
  });

  it("never runs two writes at once, even when flush is called repeatedly", async () => {
    const db = flakyWrite(0);
    const b = new ResultBatcher(db.write, logSink().log, OPTIONS);
    for (let i = 0; i < 20; i++) {
      b.add(result(i));
      void b.flush();
    }
    await b.flush();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(db.maxRunning()).toBe(1);
    expect(db.stored.map(key)).toEqual(Array.from({ length: 20 }, (_, i) => key(result(i))));
  });
  it("add() resolves only once its result is written, after a failed write too", async () => {
    const db = flakyWrite(1);
    const b = new ResultBatcher(db.write, logSink().log, OPTIONS);
    const settled: number[] = [];
    const promises = [0, 1].map((i) => b.add(result(i)).then(() => settled.push(i)));
    await vi.advanceTimersByTimeAsync(OPTIONS.flushMs);
    // The first write failed: nothing is acknowledged, so a queue job would stay with us.
    expect(db.calls).toHaveLength(1);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(promises);
    expect(db.stored.map(key)).toEqual([0, 1].map((i) => key(result(i))));
    expect(settled).toEqual([0, 1]);
  });
});

describe("ResultBatcher when the database cannot be written", () => {
  it("retries on its own with back-off: nothing lost, nothing doubled, order kept, status unknown", async () => {
    const db = flakyWrite(3);
    const { log, lines } = logSink();
    const b = new ResultBatcher(db.write, log, OPTIONS);
    const sent = [result(0, "down"), result(1, "up"), result(2, "degraded")];
    for (const r of sent) b.add(r);
    // No further result arrives: the retry must not depend on new traffic.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(db.calls.length).toBe(4);
    expect(db.calls[0]!.map((r) => r.status)).toEqual(["down", "up", "degraded"]);
    expect(db.stored.map(key)).toEqual(sent.map(key));
    expect(db.stored.map((r) => r.status)).toEqual(["unknown", "unknown", "unknown"]);
    expect(b.pending).toBe(0);
    expect(lines.some((l) => l.msg === "result writes recovered")).toBe(true);
  });

  it("backs off between attempts instead of hammering the database", async () => {
    const db = flakyWrite(1_000);
    const b = new ResultBatcher(db.write, logSink().log, OPTIONS);
    b.add(result(0));
    await vi.advanceTimersByTimeAsync(10_000);
    // 0.2 s first try, then back-off of 0.5, 1, 2, 4 s …: a handful of attempts, not hundreds.
    expect(db.calls.length).toBeGreaterThanOrEqual(2);
    expect(db.calls.length).toBeLessThanOrEqual(6);
    expect(b.pending).toBe(1);
  });

  it("while results keep arriving: every result stored once, in order; the ones held during the outage are unknown", async () => {
    const db = flakyWrite(2);
    const b = new ResultBatcher(db.write, logSink().log, OPTIONS);
    const sent: CheckResult[] = [];
    for (let i = 0; i < 40; i++) {
      const r = result(i, i % 3 === 0 ? "up" : "down");
      sent.push(r);
      b.add(r);
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(60_000);
    await b.flush();
    expect(db.stored.map(key)).toEqual(sent.map(key));
    expect(new Set(db.stored.map(key)).size).toBe(sent.length);
    // Everything that sat in the buffer through a failed write became unknown…
    const failedKeys = new Set(db.calls.slice(0, 2).flatMap((c) => c.map(key)));
    for (const r of db.stored) if (failedKeys.has(key(r))) expect(r.status).toBe("unknown");
    expect(failedKeys.size).toBeGreaterThan(0);
    // …and results checked after recovery keep their real status.
    const last = db.stored.at(-1)!;
    expect(last.status).toBe(sent.at(-1)!.status);
  });

  it("flush() (as on shutdown) retries at once and writes everything", async () => {
    const db = flakyWrite(1);
    const b = new ResultBatcher(db.write, logSink().log, OPTIONS);
    for (let i = 0; i < 3; i++) b.add(result(i, "up"));
    await vi.advanceTimersByTimeAsync(250);
    expect(db.calls.length).toBe(1);
    expect(b.pending).toBe(3);
    await b.flush();
    expect(db.stored.map((r) => r.status)).toEqual(["unknown", "unknown", "unknown"]);
    expect(b.pending).toBe(0);
  });

  it("a full buffer drops only the oldest results, as many as it reports, even during a write", async () => {
    // The write of the first batch is still running when the buffer overflows.
    const stored: CheckResult[] = [];
    let release!: () => void;
    let first = true;
    const write = async (batch: CheckResult[]) => {
      if (first) {
        first = false;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }
      stored.push(...batch);
    };
    const { log, lines } = logSink();
    const b = new ResultBatcher(write, log, { maxBatch: 2, flushMs: 200, maxBuffered: 3 });
    b.add(result(1));
    b.add(result(2)); // batch [1, 2] is being written
    await vi.advanceTimersByTimeAsync(0);
    b.add(result(3));
    b.add(result(4)); // 4 buffered > 3: the oldest goes
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    await b.flush();
    const dropped = lines
      .filter((l) => l.msg === "result buffer full: oldest results dropped")
      .reduce((n, l) => n + Number(l.dropped), 0);
    const keys = new Set(stored.map(key));
    // The newest results must all survive; the loss is at most what was reported.
    expect(keys.has(key(result(3)))).toBe(true);
    expect(keys.has(key(result(4)))).toBe(true);
    expect(4 - keys.size).toBeLessThanOrEqual(dropped);
  });
});
