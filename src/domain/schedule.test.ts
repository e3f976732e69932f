import { describe, expect, it } from "vitest";
import { latestSlotAtOrBefore, nextSlotAfter, slotOffsetMs } from "./schedule.ts";

const MIN = 60_000;
const INTERVALS = [1_000, 10_000, MIN, 5 * MIN, 3_600_000, 86_400_000, 7_777];
const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);

/** mulberry32: seeded, so a failure replays exactly. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Ids shaped like the product's (`mon_` + 10 time chars + 16 random chars), all made in the
 * same few milliseconds, as when 10,000 monitors are created in bulk: the time part is shared.
 */
function bulkIds(n: number, seed: number): string[] {
  const rand = prng(seed);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    let id = "mon_01jd0q2x7";
    id += ALPHABET[i % 4];
    for (let j = 0; j < 16; j++) id += ALPHABET[Math.floor(rand() * 32)];
    ids.push(id);
  }
  return ids;
}

/** Ids that differ only in a counter: the worst case for a weak hash. */
function sequentialIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `mon_${String(i).padStart(8, "0")}`);
}

function perSecondBuckets(ids: string[], intervalMs: number): number[] {
  const buckets = new Array<number>(Math.ceil(intervalMs / 1000)).fill(0);
  for (const id of ids) {
    const offset = slotOffsetMs(id, intervalMs);
    buckets[Math.floor(offset / 1000)]!++;
  }
  return buckets;
}

describe("slotOffsetMs", () => {
  it("is stable: same id and interval, same offset, every time", () => {
    const ids = bulkIds(500, 1);
    const first = ids.map((id) => slotOffsetMs(id, MIN));
    const again = ids.map((id) => slotOffsetMs(id, MIN));
    expect(again).toEqual(first);
    // Pinned to FNV-1a test vectors: a change of hash would move every monitor's rhythm on upgrade.
    expect(slotOffsetMs("", MIN)).toBe(0x811c9dc5 % MIN);
    expect(slotOffsetMs("a", MIN)).toBe(0xe40c292c % MIN);
    expect(slotOffsetMs("foobar", 86_400_000)).toBe(0xbf9cf968 % 86_400_000);
  });

  it("stays within [0, interval) for every interval", () => {
    const ids = [...bulkIds(2_000, 2), ...sequentialIds(200), "", "x", "é😀"];
    for (const intervalMs of INTERVALS) {
      for (const id of ids) {
        const o = slotOffsetMs(id, intervalMs);
        expect(Number.isInteger(o)).toBe(true);
        expect(o).toBeGreaterThanOrEqual(0);
        expect(o).toBeLessThan(intervalMs);
      }
    }
  });

  it("differs between monitors (not everyone on the same instant)", () => {
    const ids = bulkIds(1_000, 3);
    const distinct = new Set(ids.map((id) => slotOffsetMs(id, MIN)));
    expect(distinct.size).toBeGreaterThan(980);
  });
});

describe("spreading 10,000 monitors at 60 s", () => {
  it.each([
    ["bulk-created ids", bulkIds(10_000, 42)],
    ["sequential ids", sequentialIds(10_000)],
  ])("%s: per-second load is close to uniform", (_name, ids) => {
    const buckets = perSecondBuckets(ids, MIN);
    const mean = ids.length / buckets.length;
    const max = Math.max(...buckets);
    const min = Math.min(...buckets);
    expect(max / mean).toBeLessThan(2);
    expect(min).toBeGreaterThan(0);
    // Not all at :00 — the first second carries about its fair share, nowhere near everything.
    expect(buckets[0]!).toBeLessThan(2 * mean);
    // And not lumped in a few seconds: every 10-second window carries a sixth, give or take.
    for (let w = 0; w < 6; w++) {
      const window = buckets.slice(w * 10, w * 10 + 10).reduce((a, b) => a + b, 0);
      expect(window / ids.length).toBeGreaterThan(0.12);
      expect(window / ids.length).toBeLessThan(0.22);
    }
  });
});

describe("nextSlotAfter / latestSlotAtOrBefore", () => {
  it("hold their properties over random times, intervals and offsets", () => {
    const rand = prng(7);
    for (let i = 0; i < 5_000; i++) {
      const interval = INTERVALS[Math.floor(rand() * INTERVALS.length)]!;
      const offset = Math.floor(rand() * interval);
      const t = T0 + Math.floor((rand() - 0.5) * 400 * 86_400_000);
      const next = nextSlotAfter(t, interval, offset);
      const latest = latestSlotAtOrBefore(t, interval, offset);
      expect(next).toBeGreaterThan(t);
      expect(next - t).toBeLessThanOrEqual(interval);
      expect(latest).toBeLessThanOrEqual(t);
      expect(t - latest).toBeLessThan(interval);
      expect(next - latest).toBe(interval);
      // Both are on the monitor's rhythm.
      expect((((next - offset) % interval) + interval) % interval).toBe(0);
      expect((((latest - offset) % interval) + interval) % interval).toBe(0);
    }
  });

  it("on a slot: latest is that slot, next is the one after", () => {
    const interval = MIN;
    const offset = 12_345;
    const slot = T0 + offset + 5 * interval;
    expect(latestSlotAtOrBefore(slot, interval, offset)).toBe(slot);
    expect(nextSlotAfter(slot, interval, offset)).toBe(slot + interval);
    expect(nextSlotAfter(slot - 1, interval, offset)).toBe(slot);
    expect(latestSlotAtOrBefore(slot - 1, interval, offset)).toBe(slot - interval);
  });

  it("walking nextSlotAfter visits every slot once, in order", () => {
    const interval = 10_000;
    const offset = 3_210;
    let t = T0;
    const seen: number[] = [];
    for (let i = 0; i < 100; i++) {
      t = nextSlotAfter(t, interval, offset);
      seen.push(t);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).toBe(interval);
    expect(seen[0]! - T0).toBeLessThanOrEqual(interval);
  });

  it("with the monitor's own offset, the slots of one interval are the same across restarts", () => {
    const id = "mon_01jd0q2x7a4k9m3n5p7q9r1s3t";
    const offset = slotOffsetMs(id, MIN);
    const beforeRestart = nextSlotAfter(T0 + 1_234, MIN, offset);
    const afterRestart = nextSlotAfter(T0 + 17 * MIN + 999, MIN, slotOffsetMs(id, MIN));
    expect((afterRestart - beforeRestart) % MIN).toBe(0);
  });
});
