import { describe, expect, it } from "vitest";
import { coveredMs, mergeSpans, parsePeriod } from "./report-period.ts";

describe("report periods", () => {
  it("reads months and years in UTC, leap years included", () => {
    expect(parsePeriod("2026-10")).toEqual({
      label: "2026-10",
      fromMs: Date.parse("2026-10-01T00:00:00Z"),
      untilMs: Date.parse("2026-11-01T00:00:00Z"),
    });
    expect(parsePeriod("2026-12")?.untilMs).toBe(Date.parse("2027-01-01T00:00:00Z"));
    const feb = parsePeriod("2028-02");
    expect(feb && (feb.untilMs - feb.fromMs) / 86_400_000).toBe(29);
    expect(parsePeriod("2026")).toMatchObject({
      fromMs: Date.parse("2026-01-01T00:00:00Z"),
      untilMs: Date.parse("2027-01-01T00:00:00Z"),
    });
  });

  it.each(["2026-13", "2026-00", "2026-1", "1999", "26", "2026-10-01", "", "2026/10"])("refuses %s", (p) =>
    expect(parsePeriod(p)).toBeUndefined(),
  );
});

describe("spans", () => {
  it("clips, sorts and merges overlapping and touching spans", () => {
    const merged = mergeSpans(
      [
        { start: 50, end: 70 },
        { start: -10, end: 5 },
        { start: 10, end: 20 },
        { start: 20, end: 30 },
        { start: 15, end: 25 },
        { start: 95, end: 200 },
      ],
      0,
      100,
    );
    expect(merged).toEqual([
      { start: 0, end: 5 },
      { start: 10, end: 30 },
      { start: 50, end: 70 },
      { start: 95, end: 100 },
    ]);
    expect(coveredMs(merged, 0, 100)).toBe(5 + 20 + 20 + 5);
    expect(coveredMs(merged, 25, 60)).toBe(5 + 10);
    expect(coveredMs(merged, 30, 50)).toBe(0);
  });
});
