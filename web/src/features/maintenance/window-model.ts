import type { components } from "../../api/schema";
import { browserZone, isZone, localParts } from "./calendar.ts";

export type MaintenanceWindow = components["schemas"]["MaintenanceWindow"];
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The form as typed: dates and times as the inputs hold them, in `timezone`. */
export interface WindowDraft {
  title: string;
  description: string;
  type: "once" | "recurring";
  timezone: string;
  /** One-off: local `YYYY-MM-DDTHH:MM` in `timezone`. */
  startsAt: string;
  endsAt: string;
  /** Recurring. */
  startTime: string;
  durationMinutes: string;
  repeat: "daily" | "weekly" | "monthly";
  days: Weekday[];
  dayOfMonth: string;
  from: string;
  until: string;
  monitorIds: string[];
  tags: string[];
}

export function emptyWindow(zone = browserZone()): WindowDraft {
  return {
    title: "",
    description: "",
    type: "once",
    timezone: zone,
    startsAt: "",
    endsAt: "",
    startTime: "02:00",
    durationMinutes: "60",
    repeat: "weekly",
    days: ["sun"],
    dayOfMonth: "1",
    from: "",
    until: "",
    monitorIds: [],
    tags: [],
  };
}

/** A saved window in the form's shape; a one-off is shown in the browser's zone. */
export function draftOfWindow(w: MaintenanceWindow): WindowDraft {
  const base = {
    ...emptyWindow(),
    title: w.title,
    description: w.description ?? "",
    monitorIds: w.monitorIds,
    tags: w.tags,
  };
  const s = w.schedule;
  if (s.type === "once") {
    const local = (iso: string) => {
      const p = localParts(Date.parse(iso), base.timezone);
      return `${p.date}T${p.time}`;
    };
    return { ...base, type: "once", startsAt: local(s.startsAt), endsAt: local(s.endsAt) };
  }
  return {
    ...base,
    type: "recurring",
    timezone: s.timezone,
    startTime: s.startTime,
    durationMinutes: String(s.durationMinutes),
    repeat: s.weekly ? "weekly" : s.monthly ? "monthly" : "daily",
    days: (s.weekly?.days as Weekday[] | undefined) ?? base.days,
    dayOfMonth: String(s.monthly?.dayOfMonth ?? 1),
    from: s.from ?? "",
    until: s.until ?? "",
  };
}

/**
 * The instant of a local date-time in `zone`, as ISO 8601 with its offset. The offset is found by
 * asking what the zone's clock reads at a guess and correcting by the difference (twice, for DST).
 */
export function zonedInstant(local: string, zone: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) || !isZone(zone)) return local;
  const wanted = Date.parse(`${local}:00Z`);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, zone);
    const seen = Date.parse(`${p.date}T${p.time}:00Z`);
    guess += wanted - seen;
  }
  return new Date(guess).toISOString();
}

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : (s as unknown as number));

/** The schedule of a draft as the API takes it; typed mistakes are sent as is for the server to name. */
export function scheduleOf(d: WindowDraft) {
  if (d.type === "once") {
    return {
      type: "once" as const,
      startsAt: zonedInstant(d.startsAt, d.timezone),
      endsAt: zonedInstant(d.endsAt, d.timezone),
    };
  }
  // The API lists weekdays from Sunday; the form from Monday.
  const days = (["sun", ...WEEKDAYS.slice(0, 6)] as Weekday[]).filter((x) => d.days.includes(x));
  return {
    type: "recurring" as const,
    timezone: d.timezone,
    startTime: d.startTime,
    durationMinutes: int(d.durationMinutes),
    ...(d.repeat === "daily" ? { daily: true as const } : {}),
    ...(d.repeat === "weekly" ? { weekly: { days } } : {}),
    ...(d.repeat === "monthly" ? { monthly: { dayOfMonth: int(d.dayOfMonth) } } : {}),
    ...(d.from ? { from: d.from } : {}),
    ...(d.until ? { until: d.until } : {}),
  };
}

export function windowBody(d: WindowDraft) {
  return {
    title: d.title,
    description: d.description.trim() ? d.description : null,
    monitorIds: d.monitorIds,
    tags: d.tags,
    schedule: scheduleOf(d),
  };
}

/** Whether the schedule is complete enough to ask for a preview. */
export function previewable(d: WindowDraft): boolean {
  if (d.type === "once") return Boolean(d.startsAt && d.endsAt);
  return Boolean(d.timezone && d.startTime && d.durationMinutes && (d.repeat !== "weekly" || d.days.length));
}
