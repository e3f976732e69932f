import { describe, expect, it } from "vitest";
import { readAllPages } from "./all-pages.ts";

/** A server holding `total` numbered items, served `size` at a time by cursor. */
function server(total: number, size: number) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined) => {
    asked.push(cursor);
    const from = cursor ? Number(cursor) : 0;
    const items = Array.from({ length: Math.min(size, total - from) }, (_, i) => from + i);
    const next = from + size;
    return { items, nextCursor: next < total ? String(next) : null };
  };
  return { asked, fetchPage };
}

describe("reading a cursor-paged list to its end", () => {
  it("reads every page of a large organization (10,000 monitors, 200 a page), in order", async () => {
    const s = server(10_000, 200);
    const all = await readAllPages(s.fetchPage);
    expect(all).toHaveLength(10_000);
    expect(all.at(0)).toBe(0);
    expect(all.at(-1)).toBe(9_999);
    expect(s.asked).toHaveLength(50);
    expect(s.asked[1]).toBe("200");
  });

  it("reads one page when everything fits, and an empty list", async () => {
    expect(await readAllPages(server(3, 200).fetchPage)).toEqual([0, 1, 2]);
    expect(await readAllPages(server(0, 200).fetchPage)).toEqual([]);
  });

  it("stops when a cursor comes back a second time", async () => {
    let calls = 0;
    const looping = async () => {
      calls++;
      return { items: [calls], nextCursor: "same" };
    };
    expect(await readAllPages(looping)).toEqual([1, 2]);
  });
});
