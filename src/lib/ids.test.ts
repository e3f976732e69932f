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
