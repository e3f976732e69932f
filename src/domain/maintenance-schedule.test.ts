import { describe, expect, it } from "vitest";
import {
  canonicalTimezone,
  isOpenAt,
  isValidTimezone,
  type MaintenanceSchedule,
  nextOccurrences,
  type Occurrence,
  occurrencesBetween,
  type RecurringSchedule,
} from "./maintenance-schedule.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (occurrences: Occurrence[]) =>
  occurrences.map((o) => [new Date(o.startMs).toISOString(), new Date(o.endMs).toISOString()]);
const recurring = (over: Partial<RecurringSchedule>): RecurringSchedule => ({
  type: "recurring",
  timezone: "Europe/Berlin",
  startTime: "02:30",
  durationMinutes: 60,
  repeat: { every: "daily" },
  ...over,
});

describe("one-off windows", () => {
  const once: MaintenanceSchedule = {
    type: "once",
    startsAt: at("2031-05-10T20:00:00Z"),
    endsAt: at("2031-05-10T22:00:00Z"),
  };

  it("are open from their start (inclusive) to their end (exclusive)", () => {
    expect(isOpenAt(once, at("2031-05-10T19:59:59.999Z"))).toBe(false);
    expect(isOpenAt(once, at("2031-05-10T20:00:00Z"))).toBe(true);
    expect(isOpenAt(once, at("2031-05-10T21:59:59.999Z"))).toBe(true);
    expect(isOpenAt(once, at("2031-05-10T22:00:00Z"))).toBe(false);
  });

  it("are listed while they have not ended, and only where they overlap", () => {
    expect(iso(nextOccurrences(once, at("2031-05-10T21:00:00Z"), 10))).toEqual([
      ["2031-05-10T20:00:00.000Z", "2031-05-10T22:00:00.000Z"],
    ]);
    expect(nextOccurrences(once, at("2031-05-10T22:00:00Z"), 10)).toEqual([]);
    expect(occurrencesBetween(once, at("2031-05-10T22:00:00Z"), at("2031-05-11T00:00:00Z"))).toEqual([]);
    expect(occurrencesBetween(once, at("2031-05-10T00:00:00Z"), at("2031-05-10T20:00:01Z"))).toHaveLength(1);
  });
});

describe("Europe/Berlin across DST", () => {
  it("daily 02:30 on the spring-forward day starts at 03:30 CEST (shifted by the gap)", () => {
    const s = recurring({});
    const got = occurrencesBetween(s, at("2031-03-29T00:00:00Z"), at("2031-04-01T00:00:00Z"));
    expect(iso(got)).toEqual([
      ["2031-03-29T01:30:00.000Z", "2031-03-29T02:30:00.000Z"], // 02:30 CET
      ["2031-03-30T01:30:00.000Z", "2031-03-30T02:30:00.000Z"], // 02:30 does not exist: 03:30 CEST
      ["2031-03-31T00:30:00.000Z", "2031-03-31T01:30:00.000Z"], // 02:30 CEST
    ]);
  });

  it("daily 02:30 on the fall-back day starts the first time 02:30 happens (still CEST)", () => {
    const s = recurring({});
    const got = occurrencesBetween(s, at("2031-10-25T00:00:00Z"), at("2031-10-28T00:00:00Z"));
    expect(iso(got)).toEqual([
      ["2031-10-25T00:30:00.000Z", "2031-10-25T01:30:00.000Z"],
      ["2031-10-26T00:30:00.000Z", "2031-10-26T01:30:00.000Z"], // the first 02:30, CEST
      ["2031-10-27T01:30:00.000Z", "2031-10-27T02:30:00.000Z"], // CET from now on
    ]);
  });

  it("the duration is elapsed time: three hours from 01:00 on the spring-forward day end at 05:00 CEST", () => {
    const s = recurring({ startTime: "01:00", durationMinutes: 180 });
    const [o] = occurrencesBetween(s, at("2031-03-30T00:00:00Z"), at("2031-03-30T00:00:01Z"));
    expect(iso([o!])).toEqual([["2031-03-30T00:00:00.000Z", "2031-03-30T03:00:00.000Z"]]);
  });

  it("monthly on the 15th keeps 10:00 local on both sides of the change", () => {
    const s = recurring({ startTime: "10:00", repeat: { every: "monthly", dayOfMonth: 15 } });
    expect(iso(nextOccurrences(s, at("2031-03-01T00:00:00Z"), 3))).toEqual([
      ["2031-03-15T09:00:00.000Z", "2031-03-15T10:00:00.000Z"],
      ["2031-04-15T08:00:00.000Z", "2031-04-15T09:00:00.000Z"],
      ["2031-05-15T08:00:00.000Z", "2031-05-15T09:00:00.000Z"],
    ]);
  });
});

describe("America/New_York across DST", () => {
  it("weekly on Sunday 02:30: the spring-forward Sunday starts at 03:30 EDT, later ones at 02:30 EDT", () => {
    const s = recurring({ timezone: "America/New_York", repeat: { every: "weekly", days: ["sun"] } });
    expect(iso(nextOccurrences(s, at("2031-03-01T00:00:00Z"), 3))).toEqual([
      ["2031-03-02T07:30:00.000Z", "2031-03-02T08:30:00.000Z"], // 02:30 EST
      ["2031-03-09T07:30:00.000Z", "2031-03-09T08:30:00.000Z"], // 03:30 EDT
      ["2031-03-16T06:30:00.000Z", "2031-03-16T07:30:00.000Z"], // 02:30 EDT
    ]);
  });

  it("weekly on Sunday 01:30 on the fall-back day starts at the first 01:30 (EDT)", () => {
    const s = recurring({
      timezone: "America/New_York",
      startTime: "01:30",
      durationMinutes: 30,
      repeat: { every: "weekly", days: ["sun"] },
    });
    const got = occurrencesBetween(s, at("2031-11-01T00:00:00Z"), at("2031-11-10T00:00:00Z"));
    expect(iso(got)).toEqual([
      ["2031-11-02T05:30:00.000Z", "2031-11-02T06:00:00.000Z"],
      ["2031-11-09T06:30:00.000Z", "2031-11-09T07:00:00.000Z"],
    ]);
  });

  it("daily 12:00 across the spring change keeps noon local", () => {
    const s = recurring({ timezone: "America/New_York", startTime: "12:00" });
    expect(iso(occurrencesBetween(s, at("2031-03-08T00:00:00Z"), at("2031-03-10T00:00:00Z")))).toEqual([
      ["2031-03-08T17:00:00.000Z", "2031-03-08T18:00:00.000Z"],
      ["2031-03-09T16:00:00.000Z", "2031-03-09T17:00:00.000Z"],
    ]);
  });
});

describe("recurrence rules", () => {
  it("a window crossing midnight is open after midnight, and belongs to the day it starts", () => {
    // Fridays 23:00 UTC for two hours: open on Saturday 00:30, not on Sunday 00:30.
    const s = recurring({
      timezone: "UTC",
      startTime: "23:00",
      durationMinutes: 120,
      repeat: { every: "weekly", days: ["fri"] },
    });
    expect(isOpenAt(s, at("2031-05-09T22:59:00Z"))).toBe(false);
    expect(isOpenAt(s, at("2031-05-09T23:00:00Z"))).toBe(true);
    expect(isOpenAt(s, at("2031-05-10T00:30:00Z"))).toBe(true);
    expect(isOpenAt(s, at("2031-05-10T01:00:00Z"))).toBe(false);
    expect(isOpenAt(s, at("2031-05-11T00:30:00Z"))).toBe(false);
    // Asked from Saturday 00:30, the open occurrence from Friday comes first.
    expect(iso(nextOccurrences(s, at("2031-05-10T00:30:00Z"), 2))).toEqual([
      ["2031-05-09T23:00:00.000Z", "2031-05-10T01:00:00.000Z"],
      ["2031-05-16T23:00:00.000Z", "2031-05-17T01:00:00.000Z"],
    ]);
  });

  it("a whole-day window every day leaves no gap", () => {
    const s = recurring({ startTime: "00:00", durationMinutes: 1440 });
    for (let h = 0; h < 72; h++) expect(isOpenAt(s, at("2031-06-01T00:00:00Z") + h * 3_600_000)).toBe(true);
  });

  it("from and until bound the days occurrences start on; the last one runs to its end", () => {
    const s = recurring({
      timezone: "UTC",
      startTime: "23:30",
      durationMinutes: 60,
      from: "2031-05-10",
      until: "2031-05-12",
    });
    expect(iso(occurrencesBetween(s, at("2031-05-01T00:00:00Z"), at("2031-06-01T00:00:00Z")))).toEqual([
      ["2031-05-10T23:30:00.000Z", "2031-05-11T00:30:00.000Z"],
      ["2031-05-11T23:30:00.000Z", "2031-05-12T00:30:00.000Z"],
      ["2031-05-12T23:30:00.000Z", "2031-05-13T00:30:00.000Z"],
    ]);
    expect(isOpenAt(s, at("2031-05-13T00:15:00Z"))).toBe(true);
    expect(nextOccurrences(s, at("2031-05-13T00:30:00Z"), 10)).toEqual([]);
    expect(nextOccurrences(s, at("2031-01-01T00:00:00Z"), 10)).toHaveLength(3);
    expect(isOpenAt(s, at("2031-05-09T23:45:00Z"))).toBe(false);
  });

  it("from/until are local dates: Berlin's May 10 begins at 22:00 UTC on May 9", () => {
    const s = recurring({ startTime: "00:15", durationMinutes: 10, from: "2031-05-10", until: "2031-05-10" });
    expect(iso(occurrencesBetween(s, at("2031-05-01T00:00:00Z"), at("2031-06-01T00:00:00Z")))).toEqual([
      ["2031-05-09T22:15:00.000Z", "2031-05-09T22:25:00.000Z"],
    ]);
  });

  it("monthly on the 31st skips the months without one", () => {
    const s = recurring({
      timezone: "UTC",
      startTime: "04:00",
      repeat: { every: "monthly", dayOfMonth: 31 },
    });
    const starts = nextOccurrences(s, at("2031-01-01T00:00:00Z"), 4).map((o) =>
      new Date(o.startMs).toISOString().slice(0, 10),
    );
    expect(starts).toEqual(["2031-01-31", "2031-03-31", "2031-05-31", "2031-07-31"]);
  });

  it("weekly on several days, in order, ten at a time", () => {
    const s = recurring({
      timezone: "UTC",
      startTime: "06:00",
      repeat: { every: "weekly", days: ["wed", "mon"] },
    });
    const days = nextOccurrences(s, at("2031-05-01T00:00:00Z"), 10).map((o) =>
      new Date(o.startMs).toISOString().slice(0, 10),
    );
    expect(days).toEqual([
      "2031-05-05",
      "2031-05-07",
      "2031-05-12",
      "2031-05-14",
      "2031-05-19",
      "2031-05-21",
      "2031-05-26",
      "2031-05-28",
      "2031-06-02",
      "2031-06-04",
    ]);
  });

  it("caps what it returns, and an empty range has nothing", () => {
    const s = recurring({ timezone: "UTC" });
    expect(occurrencesBetween(s, at("2031-01-01T00:00:00Z"), at("2032-01-01T00:00:00Z"), 5)).toHaveLength(5);
    expect(occurrencesBetween(s, at("2031-01-01T00:00:00Z"), at("2031-01-01T00:00:00Z"))).toEqual([]);
    expect(occurrencesBetween(s, at("2031-01-01T00:00:00Z"), at("2032-01-01T00:00:00Z"))).toHaveLength(365);
  });
});

describe("time zone names", () => {
  it("accepts IANA names and refuses offsets and inventions", () => {
    for (const z of [
      "Europe/Berlin",
      "America/New_York",
      "UTC",
      "Asia/Kolkata",
      "America/Argentina/Buenos_Aires",
    ]) {
      expect(isValidTimezone(z), z).toBe(true);
    }
    for (const z of ["+01:00", "GMT+1 ", "Mars/Olympus_Mons", "", "Europe/Berlin\n", "../../etc/passwd"]) {
      expect(isValidTimezone(z), z).toBe(false);
    }
    expect(canonicalTimezone("europe/berlin")).toBe("Europe/Berlin");
  });
});
