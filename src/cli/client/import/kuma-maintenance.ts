import { DateTime } from "luxon";
import { WEEKDAYS } from "../../../domain/maintenance-schedule.ts";
import type { Builder } from "./builder.ts";
import { type Row, str } from "./kuma.ts";

type Rows = (sql: string, params?: unknown[]) => Row[];

/**
 * Kuma's maintenance (table `maintenance`, its monitors in `monitor_maintenance`, its pages in
 * `maintenance_status_page`) as Upblit maintenance windows. Kuma's strategies: `manual` (on
 * until switched off), `single` (one period), `recurring-interval` (every N days),
 * `recurring-weekday`, `recurring-day-of-month`, and `cron` (pattern + duration); dates and
 * times are local to the window's `timezone` (`SAME_AS_SERVER` or empty: the server's).
 */
export function addKumaMaintenance(
  b: Builder,
  rows: Rows,
  has: (t: string) => boolean,
  monitorKeys: Map<string, string>,
  pageKeys: Map<string, string>,
): void {
  for (const m of rows("SELECT * FROM maintenance ORDER BY id")) {
    const title = (str(m.title) ?? `maintenance ${String(m.id)}`).slice(0, 200);
    const what = `maintenance "${title}" (${String(m.strategy)})`;
    if (m.active === 0 || m.active === false) {
      b.skip(`${what}: was switched off in Kuma`);
      continue;
    }
    const zone = timezoneOf(b, m, what);
    const schedules = schedulesOf(b, m, zone, what);
    if (!schedules.length) continue;
    const monitors = has("monitor_maintenance")
      ? rows("SELECT monitor_id FROM monitor_maintenance WHERE maintenance_id = ? ORDER BY id", [m.id])
          .map((r) => monitorKeys.get(String(r.monitor_id)))
          .filter((k): k is string => k !== undefined)
      : [];
    const pages = has("maintenance_status_page")
      ? rows("SELECT status_page_id FROM maintenance_status_page WHERE maintenance_id = ?", [m.id])
          .map((r) => pageKeys.get(String(r.status_page_id)))
          .filter((k): k is string => k !== undefined)
      : [];
    if (pages.length) {
      b.approx(
        `${what}: shown on the status pages that show its monitors (Kuma named the pages: ${pages.join(", ")})`,
      );
    }
    if (!monitors.length) {
      b.skip(`${what}: covers no imported monitor`);
      continue;
    }
    schedules.forEach((schedule, i) => {
      const key = b.key("maintenanceWindows", schedules.length > 1 ? `${title} ${i + 1}` : title);
      const out: Record<string, unknown> = {
        key,
        title: schedules.length > 1 ? `${title} (${i + 1})`.slice(0, 200) : title,
        monitors,
        schedule,
      };
      if (str(m.description)) out.description = String(m.description).trim().slice(0, 2000);
      b.add("maintenanceWindows", out as { key: string }, `${what} → ${key} (${String(schedule.type)})`);
    });
  }
}

function timezoneOf(b: Builder, m: Row, what: string): string {
  const tz = str(m.timezone);
  if (tz && tz !== "SAME_AS_SERVER" && DateTime.local().setZone(tz).isValid) return tz;
  b.approx(`${what}: Kuma used its server's time zone; imported as UTC (change timezone if it was not)`);
  return "UTC";
}

/** One schedule, several (one per day of the month), or none (reported why). */
function schedulesOf(b: Builder, m: Row, zone: string, what: string): Array<Record<string, unknown>> {
  const strategy = String(m.strategy ?? "");
  if (strategy === "manual") {
    b.skip(`${what}: Upblit windows are scheduled; make a one-off window when you need it`);
    return [];
  }
  if (strategy === "single") {
    const start = localDate(m.start_date, zone);
    const end = localDate(m.end_date, zone);
    if (!start || !end || end <= start) {
      b.skip(`${what}: no valid start and end date`);
      return [];
    }
    if (end.diff(start, "days").days > 31) {
      b.skip(`${what}: lasts more than 31 days, Upblit's longest one-off window`);
      return [];
    }
    return [{ type: "once", startsAt: start.toUTC().toISO(), endsAt: end.toUTC().toISO() }];
  }
  const recurring = recurringBase(b, m, zone, what);
  if (!recurring) return [];
  if (strategy === "recurring-interval") {
    const every = Number(m.interval_day ?? 1);
    if (every !== 1) {
      b.skip(`${what}: every ${every} days cannot be expressed (Upblit repeats daily, weekly or monthly)`);
      return [];
    }
    return [{ ...recurring, daily: true }];
  }
  if (strategy === "recurring-weekday") {
    const days = [
      ...new Set(
        jsonList(m.weekdays)
          .map((d) => WEEKDAYS[Number(d) % 7])
          .filter(Boolean),
      ),
    ];
    if (!days.length) {
      b.skip(`${what}: no weekdays`);
      return [];
    }
    return [{ ...recurring, weekly: { days } }];
  }
  if (strategy === "recurring-day-of-month") {
    const list = jsonList(m.days_of_month);
    const days = [
      ...new Set(list.filter((d) => typeof d === "number" || /^\d+$/.test(String(d))).map(Number)),
    ];
    if (list.some((d) => String(d).startsWith("lastDay")))
      b.approx(`${what}: "last day of the month" cannot be expressed; left out`);
    if (days.length > 1) b.approx(`${what}: one window per day of the month (${days.join(", ")})`);
    return days.map((dayOfMonth) => ({ ...recurring, monthly: { dayOfMonth } }));
  }
  if (strategy === "cron") return cronSchedule(b, m, recurring, what);
  b.skip(`${what}: unknown strategy`);
  return [];
}

/** The fields every recurring schedule has: zone, start time, duration, and the date range. */
function recurringBase(b: Builder, m: Row, zone: string, what: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = { type: "recurring", timezone: zone };
  const from = localDate(m.start_date, zone);
  const until = localDate(m.end_date, zone);
  if (from) out.from = from.toISODate();
  if (until) out.until = until.toISODate();
  if (String(m.strategy) === "cron") return out;
  const start = hhmm(m.start_time);
  const end = hhmm(m.end_time);
  if (start === undefined || end === undefined) {
    b.skip(`${what}: no start and end time`);
    return undefined;
  }
  let minutes = end - start;
  if (minutes <= 0) minutes += 24 * 60; // across midnight, as Kuma counts it
  return {
    ...out,
    startTime: `${String(Math.floor(start / 60)).padStart(2, "0")}:${String(start % 60).padStart(2, "0")}`,
    durationMinutes: minutes,
  };
}

/** Kuma's `cron` strategy: patterns Upblit can repeat (daily, on weekdays, on a day of the month). */
function cronSchedule(b: Builder, m: Row, base: Record<string, unknown>, what: string) {
  const fields = String(m.cron ?? "")
    .trim()
    .split(/\s+/);
  const minutes = Math.round(Number(m.duration ?? 0) / 60);
  const [minute, hour, dom, month, dow] = fields;
  const number = (s: string | undefined, max: number) =>
    s && /^\d+$/.test(s) && Number(s) <= max ? Number(s) : undefined;
  const mm = number(minute, 59);
  const hh = number(hour, 23);
  if (
    fields.length !== 5 ||
    mm === undefined ||
    hh === undefined ||
    month !== "*" ||
    minutes < 1 ||
    minutes > 1440
  ) {
    b.skip(`${what}: the pattern "${String(m.cron)}" (${minutes} min) has no Upblit equivalent`);
    return [];
  }
  const at = {
    ...base,
    startTime: `${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}`,
    durationMinutes: minutes,
  };
  if (dom === "*" && dow === "*") return [{ ...at, daily: true }];
  if (dom === "*" && dow && /^[0-7](,[0-7])*$/.test(dow)) {
    return [{ ...at, weekly: { days: [...new Set(dow.split(",").map((d) => WEEKDAYS[Number(d) % 7]!))] } }];
  }
  const day = number(dom, 31);
  if (day !== undefined && day >= 1 && dow === "*") return [{ ...at, monthly: { dayOfMonth: day } }];
  b.skip(`${what}: the pattern "${String(m.cron)}" has no Upblit equivalent`);
  return [];
}

function localDate(value: unknown, zone: string): DateTime | undefined {
  const text = str(value);
  if (!text) return undefined;
  const sql = DateTime.fromSQL(text, { zone });
  const parsed = sql.isValid ? sql : DateTime.fromISO(text, { zone });
  return parsed.isValid ? parsed : undefined;
}

function hhmm(value: unknown): number | undefined {
  const match = /^(\d{1,2}):(\d{2})/.exec(String(value ?? ""));
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

function jsonList(value: unknown): unknown[] {
  try {
    const list = JSON.parse(String(value ?? "[]")) as unknown;
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}
