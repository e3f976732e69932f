import { describe, expect, it } from "vitest";
import { decideSlots, type OpenSlots, quorumOf, slotVerdict } from "./quorum.ts";

describe("quorumOf", () => {
  it("is a majority by default, the monitor's own within 1..n otherwise, and 1 for one region", () => {
    expect([1, 2, 3, 4, 5].map((n) => quorumOf(n, null))).toEqual([1, 2, 2, 3, 3]);
    expect(quorumOf(3, 1)).toBe(1);
    expect(quorumOf(3, 3)).toBe(3);
    expect(quorumOf(3, 7)).toBe(3);
    expect(quorumOf(1, 3)).toBe(1);
  });
});

describe("slotVerdict", () => {
  it("2 of 3: one region down is not down; two are, whatever the third says", () => {
    expect(slotVerdict(["down", "up", "up"], 2)).toBe("up");
    expect(slotVerdict(["down", "down", "pending"], 2)).toBe("down");
    expect(slotVerdict(["down", "down", "up"], 2)).toBe("down");
  });

  it("waits while a region still to report could make it down or degraded", () => {
    expect(slotVerdict(["down", "pending", "up"], 2)).toBeUndefined();
    expect(slotVerdict(["degraded", "pending", "up"], 2)).toBeUndefined();
    expect(slotVerdict(["up", "up", "pending"], 2)).toBe("up");
  });

  it("degraded takes k regions degraded or worse", () => {
    expect(slotVerdict(["degraded", "down", "up"], 2)).toBe("degraded");
    expect(slotVerdict(["degraded", "up", "up"], 2)).toBe("up");
  });

  it("a silent (unknown) region never counts as down; with no answer at all the slot is unknown", () => {
    expect(slotVerdict(["down", "unknown", "unknown"], 2)).toBe("unknown");
    expect(slotVerdict(["down", "up", "unknown"], 2)).toBe("up");
    expect(slotVerdict(["unknown", "unknown"], 1)).toBe("unknown");
    expect(slotVerdict(["pending", "pending"], 1)).toBeUndefined();
  });

  it("with k = 1 any region down is down, and one region behaves as before", () => {
    expect(slotVerdict(["down", "up"], 1)).toBe("down");
    expect(slotVerdict(["down"], 1)).toBe("down");
    expect(slotVerdict(["up"], 1)).toBe("up");
  });
});

describe("decideSlots", () => {
  const regions = ["a", "b", "c"];

  it("keeps the newest slot open until it is certain; a later slot closes it with the missing regions unknown", () => {
    const open: OpenSlots = { "1000": { seen: { a: "down" }, reason: "boom", at: 1001 } };
    const first = decideSlots(open, regions, 2, new Set());
    expect(first.decided).toEqual([]);
    expect(Object.keys(first.open)).toEqual(["1000"]);

    const later: OpenSlots = {
      ...first.open,
      "2000": { seen: { a: "down", b: "down" }, reason: "boom", at: 2001 },
    };
    const second = decideSlots(later, regions, 2, new Set());
    expect(second.decided).toEqual([
      {
        slotAt: 1000,
        verdict: "unknown",
        regions: { a: "down", b: "unknown", c: "unknown" },
        reason: "boom",
        at: 1001,
      },
      {
        slotAt: 2000,
        verdict: "down",
        regions: { a: "down", b: "down", c: "unknown" },
        reason: "boom",
        at: 2001,
      },
    ]);
    expect(second.open).toEqual({});
  });

  it("a silent region counts as unknown at once, so the others decide without waiting", () => {
    const open: OpenSlots = { "1000": { seen: { a: "up", b: "down" }, reason: null, at: 1001 } };
    expect(decideSlots(open, regions, 2, new Set()).decided).toEqual([]);
    const { decided } = decideSlots(open, regions, 2, new Set(["c"]));
    expect(decided.map((d) => [d.verdict, d.regions])).toEqual([
      ["up", { a: "up", b: "down", c: "unknown" }],
    ]);
  });
});
