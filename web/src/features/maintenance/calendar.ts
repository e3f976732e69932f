/**
 * The maintenance calendar's model: weeks of days (Monday first) in one time zone, each day with
 * the occurrences that overlap it. An occurrence past midnight shows on both days; days are
 * calendar dates of the zone, so a DST change neither drops nor doubles a day.
 */

export interface Span {
  startsAt: string;
  endsAt: string;
  title?: string;
  windowId?: string;
}

export interface DayEntry {
  span: Span;
  /** Local "HH:MM–HH:MM" on this day; a side that falls on another day reads "…". */
  label: string;
}

export interface CalendarDay {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Day of the month. */
  day: number;
  /** Outside the asked range (padding to whole weeks). */
  outside: boolean;
  entries: DayEntry[];
}

const DAY_MS = 86_400_000;

/** The calendar date and time of an instant in `zone`. */
export function localParts(ms: number, zone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

/** Days since 1970-01-01 of a YYYY-MM-DD date, and back: calendar arithmetic without zones. */
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/**
 * Whole weeks (Monday to Sunday) covering `days` days from the local date of `fromMs`, with the
 * spans placed on every local day they overlap.
 */
export function buildCalendar(spans: Span[], zone: string, fromMs: number, days: number): CalendarDay[][] {
  const first = dayNumber(localParts(fromMs, zone).date);
  const last = first + days - 1;
  // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays.
  const gridStart = first - ((((first + 3) % 7) + 7) % 7);
  const gridEnd = last + (6 - ((((last + 3) % 7) + 7) % 7));
  const byDay = new Map<number, DayEntry[]>();
  for (const span of spans) {
    const start = localParts(Date.parse(span.startsAt), zone);
    // The end is exclusive: a window ending at midnight does not touch the next day.
    const end = localParts(Date.parse(span.endsAt) - 1, zone);
    const endTime = localParts(Date.parse(span.endsAt), zone).time;
    const a = dayNumber(start.date);
    const b = dayNumber(end.date);
    for (let d = Math.max(a, gridStart); d <= Math.min(b, gridEnd); d++) {
      const from = d === a ? start.time : "…";
      const to = d === b ? endTime : "…";
      const list = byDay.get(d) ?? [];
      list.push({ span, label: `${from}–${to}` });
      byDay.set(d, list);
    }
  }
  const weeks: CalendarDay[][] = [];
  for (let w = gridStart; w <= gridEnd; w += 7) {
    const week: CalendarDay[] = [];
    for (let d = w; d < w + 7; d++) {
      const date = dateOf(d);
      week.push({
        date,
        day: Number(date.slice(8)),
        outside: d < first || d > last,
        entries: (byDay.get(d) ?? []).sort((x, y) => x.span.startsAt.localeCompare(y.span.startsAt)),
      });
    }
    weeks.push(week);
  }
  return weeks;
}

/** The browser's time zone (the calendar's default). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Whether the browser knows `zone` (a half-typed name is not one). */
export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
