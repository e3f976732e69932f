import { describe, expect, it } from "vitest";
import { newId } from "./ids.ts";

describe("newId", () => {
  it("is prefixed, 26 base32 characters, and unique", () => {
    const ids = Array.from({ length: 1000 }, () => newId("mon"));
    for (const id of ids) expect(id).toMatch(/^mon_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids).size).toBe(1000);
  });

  it("sorts in creation order, also within one millisecond", () => {
    const t = Date.now() + 10_000;
    const ids = Array.from({ length: 50 }, () => newId("evt", t));
    expect([...ids].sort()).toEqual(ids);
    expect(newId("evt", t + 1) > ids.at(-1)!).toBe(true);
  });
});

describe("newId's layout", () => {
  it("keeps 48 bits of time then 80 bits of randomness, counting up across the 40-bit halves", () => {
    const t = Date.UTC(2031, 0, 1) + 50_000;
    const time = (id: string) => id.slice(4, 14);
    const a = newId("evt", t);
    expect(time(a)).toBe(
      t
        .toString(32)
        .padStart(10, "0")
        .replace(/[a-v]/g, (c) => "abcdefghjkmnpqrstvwxyz"[c.charCodeAt(0) - 97]!),
    );
    // Many ids in one millisecond all differ and stay ordered (the low half carries into the high).
    const ids = Array.from({ length: 5000 }, () => newId("evt", t));
    expect(new Set(ids).size).toBe(5000);
    expect([...ids].sort()).toEqual(ids);
  });
});
