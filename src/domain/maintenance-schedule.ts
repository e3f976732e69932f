/**
 * When a maintenance window is open: one-off windows and timezone-aware recurring ones (daily,
 * weekly, monthly). Pure: no IO. luxon supplies the zone offsets (the IANA database via Intl);
 * the occurrence rules are ours, written down in docs/maintenance.md.
 */
import { IANAZone } from "luxon";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The longest one-off window, and the longest recurring occurrence (a whole day). */
export const MAX_ONE_OFF_DAYS = 31;
export const MAX_DURATION_MINUTES = 1440;

export type Repeat =
  | { every: "daily" }
  | { every: "weekly"; days: Weekday[] }
  | { every: "monthly"; dayOfMonth: number };

export interface OneOffSchedule {
  type: "once";
  startsAt: number;
  endsAt: number;
}

export interface RecurringSchedule {
  type: "recurring";
  /** An IANA zone name, e.g. `Europe/Berlin`; `startTime`, `from` and `until` are local to it. */
  timezone: string;
  /** Local wall-clock start, `HH:MM` (24 h). */
  startTime: string;
  /** Elapsed minutes, 1..1440: across a DST change the local end time moves by the change. */
  durationMinutes: number;
  repeat: Repeat;
  /** First local date (`YYYY-MM-DD`) an occurrence may start on, inclusive. */
  from?: string;
  /** Last local date an occurrence may start on, inclusive; that occurrence runs to its end. */
  until?: string;
}

export type MaintenanceSchedule = OneOffSchedule | RecurringSchedule;

/** One stretch of time a window is open: [startMs, endMs). */
export interface Occurrence {
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** How far ahead `nextOccurrences` looks: a monthly rule on the 31st needs ~17 months for 10. */
const HORIZON_DAYS = 5 * 366;

/** True for a zone name the IANA database (as Node's Intl knows it) has; offsets like `+01:00` are not. */
export function isValidTimezone(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name) && IANAZone.isValidZone(name);
}

/** The canonical spelling of a valid zone name (`europe/berlin` → `Europe/Berlin`). */
export function canonicalTimezone(name: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
}

/**
 * The occurrences of a schedule that overlap [fromMs, untilMs), in start order, at most `max`.
 * An occurrence that began before `fromMs` and is still open is included.
 */
export function occurrencesBetween(
  schedule: MaintenanceSchedule,
  fromMs: number,
  untilMs: number,
  max = 1_000,
): Occurrence[] {
  if (untilMs <= fromMs || max <= 0) return [];
  if (schedule.type === "once") {
    const overlaps = schedule.startsAt < untilMs && schedule.endsAt > fromMs;
    return overlaps ? [{ startMs: schedule.startsAt, endMs: schedule.endsAt }] : [];
  }
  const zone = IANAZone.create(schedule.timezone);
  // A local day is within a day of the UTC one (offsets are under ±15 h), and a start up to a day
  // (the longest duration) before `fromMs` may still be open: three days back covers both.
  const [firstDay, lastDay] = boundedDays(schedule, utcDay(fromMs) - 3, utcDay(untilMs) + 1);
  const out: Occurrence[] = [];
  for (let day = firstDay; day <= lastDay && out.length < max; day++) {
    const occurrence = occurrenceOn(schedule, zone, day);
    if (occurrence && occurrence.startMs < untilMs && occurrence.endMs > fromMs) out.push(occurrence);
  }
  return out;
}

/** Whether the schedule has an occurrence open at `nowMs` (start inclusive, end exclusive). */
export function isOpenAt(schedule: MaintenanceSchedule, nowMs: number): boolean {
  return occurrencesBetween(schedule, nowMs, nowMs + 1, 1).length > 0;
}

/**
 * The next `count` occurrences that have not ended by `nowMs`, the open one (if any) first.
 * Looks at most five years ahead.
 */
export function nextOccurrences(schedule: MaintenanceSchedule, nowMs: number, count: number): Occurrence[] {
  if (count <= 0) return [];
  if (schedule.type === "once") {
    return schedule.endsAt > nowMs ? [{ startMs: schedule.startsAt, endMs: schedule.endsAt }] : [];
  }
  const zone = IANAZone.create(schedule.timezone);
  const today = utcDay(nowMs);
  const [firstDay, lastDay] = boundedDays(schedule, today - 3, today + HORIZON_DAYS);
  const out: Occurrence[] = [];
  for (let day = firstDay; day <= lastDay && out.length < count; day++) {
    const occurrence = occurrenceOn(schedule, zone, day);
    if (occurrence && occurrence.endMs > nowMs) out.push(occurrence);
  }
  return out;
}

/** The days [first, last] narrowed to the schedule's `from`/`until` dates. */
function boundedDays(s: RecurringSchedule, first: number, last: number): [number, number] {
  return [
    s.from ? Math.max(first, dayOfDate(s.from)) : first,
    s.until ? Math.min(last, dayOfDate(s.until)) : last,
  ];
}

/** The occurrence starting on local day `day` (days since 1970-01-01), if the rule has one. */
function occurrenceOn(s: RecurringSchedule, zone: IANAZone, day: number): Occurrence | undefined {
  if (!repeatsOn(s.repeat, day)) return undefined;
  const [hour, minute] = s.startTime.split(":").map(Number) as [number, number];
  const startMs = localToInstant(zone, day * DAY_MS + hour * 3_600_000 + minute * MINUTE_MS);
  return { startMs, endMs: startMs + s.durationMinutes * MINUTE_MS };
}

/** Whether a rule starts an occurrence on this local day. Months without `dayOfMonth` are skipped. */
function repeatsOn(repeat: Repeat, day: number): boolean {
  if (repeat.every === "daily") return true;
  const date = new Date(day * DAY_MS);
  if (repeat.every === "weekly") return repeat.days.includes(WEEKDAYS[date.getUTCDay()]!);
  return date.getUTCDate() === repeat.dayOfMonth;
}

/**
 * The instant a local wall-clock time (given as if it were UTC milliseconds) happens in `zone`.
 * - Ambiguous (clocks go back, the time happens twice): the first time it happens.
 * - Missing (clocks go forward over it): shifted forward by the gap, e.g. 02:30 → 03:30.
 * Offsets are read a day either side, so one change per two days at most is assumed (true of
 * every zone in the IANA database).
 */
export function localToInstant(zone: IANAZone, wallMs: number): number {
  const key = `${zone.name}|${wallMs}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const instant = resolveLocal(zone, wallMs);
  // Recording asks about the same few days for every batch; zone rules do not change while we run.
  if (instants.size >= MAX_REMEMBERED) instants.clear();
  instants.set(key, instant);
  return instant;
}

const MAX_REMEMBERED = 20_000;
const instants = new Map<string, number>();

function resolveLocal(zone: IANAZone, wallMs: number): number {
  const before = zone.offset(wallMs - DAY_MS) * MINUTE_MS;
  const after = zone.offset(wallMs + DAY_MS) * MINUTE_MS;
  const candidates = [wallMs - before, wallMs - after].filter(
    (t) => t + zone.offset(t) * MINUTE_MS === wallMs,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wallMs - before;
}

/** The UTC day number (days since 1970-01-01) of an instant. */
function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `YYYY-MM-DD` → day number. */
export function dayOfDate(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}
