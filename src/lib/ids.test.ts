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
    const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    const decode = (chars: string) => [...chars].reduce((n, c) => n * 32 + ALPHABET.indexOf(c), 0);
    const t = Date.now();
    const a = newId("evt", t);
    // Ids never go back in time within a process: other tests in this worker may have asked for a
    // later time, which then stays the time part. It is t or later, and a real time, never garbage.
    const time = decode(a.slice(4, 14));
    expect(time).toBeGreaterThanOrEqual(t);
    expect(time).toBeLessThan(t + 10 * 365 * 86_400_000);
    // Many ids in one millisecond all differ and stay ordered (the low half carries into the high).
    const ids = Array.from({ length: 5000 }, () => newId("evt", t));
    expect(new Set(ids).size).toBe(5000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(decode(id.slice(4, 14))).toBe(time);
  });
});
