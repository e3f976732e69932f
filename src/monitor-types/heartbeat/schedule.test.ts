import { describe, expect, it } from "vitest";
import { deadlineAfter, nextExpectedAt, windowMs } from "./schedule.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const cron = (expr: string, timezone: string, graceSeconds = 0) => ({
  token: "t",
  periodSeconds: 86_400,
  cron: expr,
  timezone,
  graceSeconds,
});

describe("heartbeat schedules", () => {
  it("a period: the next success is due a period after the last, the deadline a grace later", () => {
    const h = { token: "t", periodSeconds: 3_600, timezone: "UTC", graceSeconds: 600 };
    expect(iso(nextExpectedAt(h, at("2026-06-01T10:00:00Z")))).toBe("2026-06-01T11:00:00.000Z");
    expect(iso(deadlineAfter(h, at("2026-06-01T10:00:00Z")))).toBe("2026-06-01T11:10:00.000Z");
  });

  it("a daily cron in Berlin keeps 03:00 local across both DST changes", () => {
    const h = cron("0 3 * * *", "Europe/Berlin");
    // Spring forward (29 March 2026): 03:00 CET before, 03:00 CEST after.
    expect(iso(nextExpectedAt(h, at("2026-03-28T02:10:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(nextExpectedAt(h, at("2026-03-27T02:10:00Z")))).toBe("2026-03-28T02:00:00.000Z");
    // Fall back (25 October 2026).
    expect(iso(nextExpectedAt(h, at("2026-10-24T01:10:00Z")))).toBe("2026-10-25T02:00:00.000Z");
  });

  it("a time the clocks skip is expected at the first valid time after it, a repeated one once", () => {
    const h = cron("30 2 * * *", "Europe/Berlin");
    // 02:30 does not exist on 29 March 2026 in Berlin: due at 03:00 CEST (01:00Z).
    expect(iso(nextExpectedAt(h, at("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    // 02:30 happens twice on 25 October: due once, then the next day.
    const first = nextExpectedAt(h, at("2026-10-24T12:00:00Z"));
    const second = nextExpectedAt(h, first);
    expect(second - first).toBeGreaterThan(20 * 3_600_000);
  });

  it("New York: 09:00 local is 13:00Z in summer and 14:00Z in winter", () => {
    const h = cron("0 9 * * 1-5", "America/New_York", 900);
    expect(iso(nextExpectedAt(h, at("2026-03-06T15:00:00Z")))).toBe("2026-03-09T13:00:00.000Z");
    expect(iso(deadlineAfter(h, at("2026-10-30T15:00:00Z")))).toBe("2026-11-02T14:15:00.000Z");
  });

  it("the too-often window is the gap less the grace", () => {
    expect(windowMs({ token: "t", periodSeconds: 3_600, timezone: "UTC", graceSeconds: 600 }, 0)).toBe(
      3_000_000,
    );
    expect(windowMs(cron("0 * * * *", "UTC", 300), at("2026-06-01T10:30:00Z"))).toBe(3_300_000);
  });
});
