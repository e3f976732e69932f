import { describe, expect, it } from "vitest";
import { buildCalendar, localParts } from "./calendar.ts";
import { emptyWindow, scheduleOf, zonedInstant } from "./window-model.ts";

const at = (iso: string) => Date.parse(iso);

describe("the maintenance calendar", () => {
  it("lays out whole weeks from Monday, marking the days outside the range", () => {
    // Wednesday 2031-05-14 for 7 days: Mon 12 to Sun 25.
    const weeks = buildCalendar([], "UTC", at("2031-05-14T09:00:00Z"), 7);
    expect(weeks.map((w) => w.map((d) => d.day))).toEqual([
      [12, 13, 14, 15, 16, 17, 18],
      [19, 20, 21, 22, 23, 24, 25],
    ]);
    expect(weeks[0]?.filter((d) => d.outside).map((d) => d.date)).toEqual(["2031-05-12", "2031-05-13"]);
    expect(weeks[1]?.filter((d) => d.outside).map((d) => d.date)).toEqual([
      "2031-05-21",
      "2031-05-22",
      "2031-05-23",
      "2031-05-24",
      "2031-05-25",
    ]);
  });

  it("puts an occurrence past midnight on both days, in the calendar's zone", () => {
    const span = { startsAt: "2031-05-14T21:30:00Z", endsAt: "2031-05-15T00:30:00Z", title: "DB upgrade" };
    const berlin = buildCalendar([span], "Europe/Berlin", at("2031-05-12T00:00:00Z"), 7).flat();
    // 23:30–02:30 in Berlin (UTC+2): Wednesday and Thursday.
    expect(berlin.filter((d) => d.entries.length).map((d) => [d.date, d.entries[0]?.label])).toEqual([
      ["2031-05-14", "23:30–…"],
      ["2031-05-15", "…–02:30"],
    ]);
    // In New York (UTC-4) it is 17:30–20:30 on Wednesday only.
    const ny = buildCalendar([span], "America/New_York", at("2031-05-12T12:00:00Z"), 7).flat();
    expect(ny.filter((d) => d.entries.length).map((d) => [d.date, d.entries[0]?.label])).toEqual([
      ["2031-05-14", "17:30–20:30"],
    ]);
  });

  it("does not spill a window ending at midnight into the next day, and sorts a day's entries", () => {
    const spans = [
      { startsAt: "2031-05-13T22:00:00Z", endsAt: "2031-05-14T00:00:00Z", title: "late" },
      { startsAt: "2031-05-13T06:00:00Z", endsAt: "2031-05-13T07:00:00Z", title: "early" },
    ];
    const days = buildCalendar(spans, "UTC", at("2031-05-12T00:00:00Z"), 7).flat();
    const tuesday = days.find((d) => d.date === "2031-05-13");
    expect(tuesday?.entries.map((e) => [e.span.title, e.label])).toEqual([
      ["early", "06:00–07:00"],
      ["late", "22:00–00:00"],
    ]);
    expect(days.find((d) => d.date === "2031-05-14")?.entries).toEqual([]);
  });

  it("keeps each calendar day once across a DST change", () => {
    // Europe/Berlin leaves summer time on Sunday 2031-10-26.
    const days = buildCalendar([], "Europe/Berlin", at("2031-10-20T10:00:00Z"), 14).flat();
    const dates = days.map((d) => d.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates).toContain("2031-10-26");
    expect(dates).toContain("2031-10-27");
  });
});

describe("the window form's schedule", () => {
  it("turns a local one-off time in the chosen zone into an instant, on both sides of DST", () => {
    expect(zonedInstant("2031-07-01T22:00", "Europe/Berlin")).toBe("2031-07-01T20:00:00.000Z");
    expect(zonedInstant("2031-12-01T22:00", "Europe/Berlin")).toBe("2031-12-01T21:00:00.000Z");
    expect(localParts(at(zonedInstant("2031-03-09T12:15", "America/New_York")), "America/New_York")).toEqual({
      date: "2031-03-09",
      time: "12:15",
    });
    // A half-typed value is sent as typed, for the server to name the field.
    expect(zonedInstant("2031-07-01", "Europe/Berlin")).toBe("2031-07-01");
    expect(zonedInstant("2031-07-01T22:00", "Europe/Berl")).toBe("2031-07-01T22:00");
  });

  it("sends weekly days in the API's order and one repeat rule", () => {
    const d = { ...emptyWindow("UTC"), type: "recurring" as const, days: ["sat", "mon", "sun"] as const };
    expect(scheduleOf({ ...d, days: [...d.days] })).toEqual({
      type: "recurring",
      timezone: "UTC",
      startTime: "02:00",
      durationMinutes: 60,
      weekly: { days: ["sun", "mon", "sat"] },
    });
    expect(scheduleOf({ ...d, days: [], repeat: "monthly", dayOfMonth: "31", from: "2031-01-01" })).toEqual({
      type: "recurring",
      timezone: "UTC",
      startTime: "02:00",
      durationMinutes: 60,
      monthly: { dayOfMonth: 31 },
      from: "2031-01-01",
    });
  });
});
