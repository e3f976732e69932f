import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../lib/clock.ts";
import { createLogger } from "../lib/logger.ts";
import { Scheduler } from "./scheduler.ts";

interface Job {
  id: number;
  slotAt: number;
}

const T0 = Date.UTC(2031, 0, 1);

/**
 * The Scheduler's edges are its callbacks (claim, enqueue, capacity, resume). Here the due set is
 * a plain list so the loop itself can be timed with fake timers; claims on a real database are
 * tested in claims.db.test.ts.
 */
function harness(
  opts: { capacity?: number; failClaims?: number; minClaim?: number; releaseWindowMs?: number } = {},
) {
  const claims: Array<{ limit: number; horizon: number; at: number }> = [];
  const enqueued: Array<Job & { at: number }> = [];
  const calls: string[] = [];
  let due: Job[] = [];
  let nextId = 0;
  let capacity = opts.capacity ?? 10;
  let failClaims = opts.failClaims ?? 0;
  let claimRunning = 0;
  let maxClaimRunning = 0;
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger(
    "info",
    new Writable({
      write(chunk, _e, done) {
        for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
        done();
      },
    }),
  );
  const scheduler = new Scheduler<Job>({
    resume: async () => {
      calls.push("resume");
      return 7;
    },
    claim: async (limit, horizon) => {
      calls.push("claim");
      claims.push({ limit, horizon, at: Date.now() });
      claimRunning++;
      maxClaimRunning = Math.max(maxClaimRunning, claimRunning);
      await new Promise((r) => setTimeout(r, 5));
      claimRunning--;
      if (failClaims > 0) {
        failClaims--;
        throw new Error("database unavailable");
      }
      const ready = due.filter((j) => j.slotAt <= horizon).slice(0, limit);
      due = due.filter((j) => !ready.includes(j));
      return ready;
    },
    enqueue: async (job) => {
      enqueued.push({ ...job, at: Date.now() });
    },
    capacity: () => capacity,
    ...(opts.minClaim === undefined ? {} : { minClaim: opts.minClaim }),
    ...(opts.releaseWindowMs === undefined ? {} : { releaseWindowMs: opts.releaseWindowMs }),
    clock: systemClock,
    log,
    tickMs: 200,
  });
  return {
    scheduler,
    calls,
    claims,
    enqueued,
    lines,
    maxClaimRunning: () => maxClaimRunning,
    addDue: (...slotAts: number[]) => {
      for (const slotAt of slotAts) due.push({ id: nextId++, slotAt });
    },
    setCapacity: (c: number) => {
      capacity = c;
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Scheduler", () => {
  it("skips missed slots (resume) before the first claim", async () => {
    const h = harness();
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(h.calls.slice(0, 2)).toEqual(["resume", "claim"]);
    expect(h.lines.find((l) => l.msg === "scheduler started; missed slots skipped")?.skipped).toBe(7);
    await h.scheduler.stop();
  });

  it("claims one tick ahead and releases each check at its due time, never before", async () => {
    // Window 0: every check on its own timer, so only the claim's look-ahead is measured here.
    const h = harness({ releaseWindowMs: 0 });
    const slots = [T0 + 50, T0 + 130, T0 + 199, T0 + 420, T0 + 1_000];
    h.addDue(...slots);
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1_500);
    await h.scheduler.stop();
    for (const c of h.claims) expect(c.horizon).toBe(c.at + 200);
    expect(h.enqueued.map((j) => j.slotAt)).toEqual(slots);
    for (const j of h.enqueued) {
      expect(j.at).toBeGreaterThanOrEqual(j.slotAt);
      // On time: within the claim's own latency, not a whole tick late.
      expect(j.at - j.slotAt).toBeLessThan(20);
    }
  });

  it("with no room (probes saturated), looks again within tens of ms, not a whole tick", async () => {
    const h = harness({ capacity: 0 });
    h.addDue(T0 - 1);
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(h.claims).toEqual([]);
    h.setCapacity(5);
    await vi.advanceTimersByTimeAsync(40);
    expect(h.enqueued.map((j) => j.slotAt)).toEqual([T0 - 1]);
    expect(h.enqueued[0]!.at - T0).toBeLessThan(60); // the tick is 200 ms
    await h.scheduler.stop();
  });

  it("with minClaim, waits for that much room before claiming, then claims all the room there is", async () => {
    const h = harness({ capacity: 30, minClaim: 50 });
    h.addDue(...Array.from({ length: 80 }, () => T0 - 1));
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.claims).toEqual([]);
    h.setCapacity(60);
    await vi.advanceTimersByTimeAsync(40);
    expect(h.claims[0]!.limit).toBe(60);
    expect(h.enqueued.length).toBeGreaterThanOrEqual(60);
    await h.scheduler.stop();
  });

  it("an overdue slot is released at once", async () => {
    const h = harness();
    h.addDue(T0 - 5_000);
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(h.enqueued.map((j) => j.slotAt)).toEqual([T0 - 5_000]);
    expect(h.enqueued[0]!.at - T0).toBeLessThan(10);
    await h.scheduler.stop();
  });

  it("claims no more than capacity (held checks count), and claims again at once while more are due", async () => {
    const h = harness({ capacity: 10 });
    h.addDue(...Array.from({ length: 25 }, () => T0 - 1));
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(40);
    expect(h.enqueued.length).toBe(25);
    expect(h.claims.slice(0, 3).map((c) => c.limit)).toEqual([10, 10, 10]);
    // Three claims back to back, not three ticks apart.
    expect(h.claims[2]!.at - h.claims[0]!.at).toBeLessThan(50);
    await h.scheduler.stop();

    // Checks held for their due time count against capacity: with 4 held, no claim until released.
    const held = harness({ capacity: 4 });
    held.addDue(...Array.from({ length: 6 }, () => T0 + 150));
    await held.scheduler.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(held.claims.map((c) => c.limit)).toEqual([4, 4, 4]);
    expect(held.claims[1]!.at).toBeGreaterThanOrEqual(T0 + 150);
    expect(held.enqueued.length).toBe(6);
    await held.scheduler.stop();
  });

  it("claims nothing while the probes are saturated, and about once a tick when idle", async () => {
    const h = harness({ capacity: 0 });
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.claims).toEqual([]);
    h.setCapacity(5);
    h.addDue(T0, T0, T0);
    await vi.advanceTimersByTimeAsync(210);
    expect(h.enqueued.map((j) => j.id)).toEqual([0, 1, 2]);
    const before = h.claims.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.claims.length - before).toBeGreaterThanOrEqual(4);
    expect(h.claims.length - before).toBeLessThanOrEqual(6);
    await h.scheduler.stop();
  });

  it("a failing claim is logged and retried on the next tick", async () => {
    const h = harness({ failClaims: 2 });
    h.addDue(T0, T0 + 10);
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(700);
    expect(h.enqueued.map((j) => j.id)).toEqual([0, 1]);
    expect(h.lines.filter((l) => l.msg === "scheduler tick failed; retrying")).toHaveLength(2);
    await h.scheduler.stop();
  });

  it("stop() waits for the running claim, releases what was claimed, then claims nothing more", async () => {
    const h = harness({ capacity: 3 });
    h.addDue(...Array.from({ length: 30 }, (_, i) => T0 + i * 5));
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(2);
    const stopping = h.scheduler.stop();
    await vi.advanceTimersByTimeAsync(300);
    await stopping;
    const claimed = h.claims.length;
    const released = h.enqueued.length;
    expect(released).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.claims.length).toBe(claimed);
    expect(h.enqueued.length).toBe(released);
    expect(h.maxClaimRunning()).toBe(1);
  });
});

describe("batched release", () => {
  it("releases checks due within the window together, at the last one's due time, never early", async () => {
    const h = harness({ releaseWindowMs: 25 });
    // +100, +110, +124 form one group (within 25 ms of the first); +130, +140 the next; +300 its own.
    const slots = [T0 + 100, T0 + 110, T0 + 124, T0 + 130, T0 + 140, T0 + 300];
    h.addDue(...slots);
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await h.scheduler.stop();
    expect(h.enqueued.map((j) => j.slotAt)).toEqual(slots);
    for (const j of h.enqueued) {
      expect(j.at).toBeGreaterThanOrEqual(j.slotAt);
      expect(j.at - j.slotAt).toBeLessThan(25 + 20);
    }
    const times = new Set(h.enqueued.map((j) => j.at));
    expect(times.size).toBe(3);
    expect(h.enqueued.slice(0, 3).every((j) => j.at === h.enqueued[2]!.at)).toBe(true);
    expect(h.enqueued[3]!.at).toBe(h.enqueued[4]!.at);
  });

  it("groupByRelease: sorted by due time, bounded by the window, never two of one key", async () => {
    const { groupByRelease } = await import("./scheduler.ts");
    const j = (id: string, slotAt: number) => ({ id, slotAt });
    const jobs = [j("c", 20), j("a", 0), j("b", 5), j("a", 10), j("d", 26), j("e", 60)];
    const groups = groupByRelease(jobs, 25, (x) => x.id);
    expect(groups.map((g) => g.map((x) => `${x.id}${x.slotAt}`))).toEqual([
      ["a0", "b5"],
      ["a10", "c20", "d26"],
      ["e60"],
    ]);
    // Window 0: each on its own, as before batching.
    expect(groupByRelease(jobs, 0).map((g) => g.length)).toEqual([1, 1, 1, 1, 1, 1]);
    // Every group spans less than the window.
    for (const g of groupByRelease(jobs, 25)) expect(g.at(-1)!.slotAt - g[0]!.slotAt).toBeLessThan(25);
    // At most maxSize a group: a full one closes and the next starts at the following job.
    expect(groupByRelease(jobs, 100, undefined, 4).map((g) => g.map((x) => `${x.id}${x.slotAt}`))).toEqual([
      ["a0", "b5", "a10", "c20"],
      ["d26", "e60"],
    ]);
  });

  it("by default a group spans less than 75 ms and holds at most 8 checks, each released on or after its slot", async () => {
    const h = harness({ capacity: 100 });
    // 40 checks 2 ms apart, all claimed in one tick: the cap of 8, not the window, closes each group.
    const slots = Array.from({ length: 40 }, (_, i) => T0 + 100 + i * 2);
    h.addDue(...slots);
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await h.scheduler.stop();
    expect(h.enqueued.map((j) => j.slotAt)).toEqual(slots);
    const byTime = new Map<number, number>();
    for (const j of h.enqueued) {
      expect(j.at).toBeGreaterThanOrEqual(j.slotAt);
      expect(j.at - j.slotAt).toBeLessThan(75);
      byTime.set(j.at, (byTime.get(j.at) ?? 0) + 1);
    }
    expect([...byTime.values()]).toEqual([8, 8, 8, 8, 8]);
  });

  it("held groups count every check they hold against capacity", async () => {
    const h = harness({ capacity: 4 });
    h.addDue(...Array.from({ length: 6 }, () => T0 + 150));
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(100);
    // Four claimed and held in one group: no room for a second claim until they are released.
    expect(h.claims.map((c) => c.limit)).toEqual([4]);
    await vi.advanceTimersByTimeAsync(400);
    expect(h.enqueued.length).toBe(6);
    await h.scheduler.stop();
  });
});
