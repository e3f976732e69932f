import { z } from "zod";
import {
  canonicalTimezone,
  dayOfDate,
  isValidTimezone,
  MAX_DURATION_MINUTES,
  MAX_ONE_OFF_DAYS,
  type MaintenanceSchedule,
  WEEKDAYS,
} from "../../../domain/maintenance-schedule.ts";
import { MAINTENANCE_LIMITS } from "../../../services/maintenance/windows.ts";
import { safeText } from "../../text.ts";

/**
 * Maintenance window schemas: they validate requests, type the handlers and generate the OpenAPI
 * document. The occurrence rules are in domain/maintenance-schedule.ts and docs/maintenance.md.
 */
const Instant = z.iso.datetime({ offset: true });
const LocalDate = z.iso.date().meta({ description: "A local date in the window's time zone, YYYY-MM-DD" });
const Weekdays = z.array(z.enum(WEEKDAYS)).min(1).max(7);

/** Control and bidi characters, except the line breaks and tabs a description may have. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const Description = z
  .string()
  .trim()
  .max(MAINTENANCE_LIMITS.descriptionChars)
  .refine((s) => !UNSAFE_IN_TEXT.test(s), "must not contain control or bidi characters");

const OnceBody = z
  .strictObject({
    type: z.literal("once"),
    startsAt: Instant,
    endsAt: Instant.meta({ description: `After startsAt, at most ${MAX_ONE_OFF_DAYS} days later` }),
  })
  .superRefine((s, ctx) => {
    const length = Date.parse(s.endsAt) - Date.parse(s.startsAt);
    if (length <= 0) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    else if (length > MAX_ONE_OFF_DAYS * 86_400_000) {
      ctx.addIssue({
        code: "custom",
        path: ["endsAt"],
        message: `must be within ${MAX_ONE_OFF_DAYS} days of startsAt`,
      });
    }
  });

const RecurringBody = z
  .strictObject({
    type: z.literal("recurring"),
    timezone: z
      .string()
      .max(64)
      .refine(isValidTimezone, "must be an IANA time zone name, e.g. Europe/Berlin")
      .meta({ description: "IANA time zone; startTime, from and until are local to it" }),
    startTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM, 00:00 to 23:59")
      .meta({
        description:
          "Local start time. A time skipped by a DST change starts later by the gap; a repeated one starts the first time",
      }),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_DURATION_MINUTES)
      .meta({ description: "Elapsed minutes; may run past midnight" }),
    daily: z.literal(true).optional().meta({ description: "Every day" }),
    weekly: z.strictObject({ days: Weekdays }).optional().meta({ description: "On these weekdays" }),
    monthly: z
      .strictObject({ dayOfMonth: z.number().int().min(1).max(31) })
      .optional()
      .meta({ description: "On this day of the month; months without it are skipped" }),
    from: LocalDate.optional(),
    until: LocalDate.optional(),
  })
  .superRefine((s, ctx) => {
    const given = [s.daily, s.weekly, s.monthly].filter((r) => r !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["daily"],
        message: "give exactly one of daily, weekly and monthly",
      });
    }
    if (s.from && s.until && dayOfDate(s.until) < dayOfDate(s.from)) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "must not be before from" });
    }
  });

export const ScheduleBody = z.discriminatedUnion("type", [OnceBody, RecurringBody]);
export type ScheduleBody = z.infer<typeof ScheduleBody>;

const MonitorIds = z
  .array(z.string().max(40))
  .max(MAINTENANCE_LIMITS.monitorIds)
  .meta({ description: "Monitors covered by id" });
const Tags = z
  .array(safeText(50))
  .max(MAINTENANCE_LIMITS.tags)
  .meta({ description: "Monitors covered by tag: any monitor with at least one of these" });

export const CreateWindowBody = z.strictObject({
  title: safeText(MAINTENANCE_LIMITS.titleChars),
  description: Description.nullable().default(null),
  monitorIds: MonitorIds.default([]),
  tags: Tags.default([]),
  schedule: ScheduleBody,
});

export const PatchWindowBody = z
  .strictObject({
    title: safeText(MAINTENANCE_LIMITS.titleChars).optional(),
    description: Description.nullable().optional(),
    monitorIds: MonitorIds.optional(),
    tags: Tags.optional(),
    schedule: ScheduleBody.optional(),
  })
  .meta({ description: "Given fields replace the stored ones; `schedule` and `monitorIds` as a whole." });

const ScheduleResponse = z.discriminatedUnion("type", [
  z.object({ type: z.literal("once"), startsAt: z.string(), endsAt: z.string() }),
  z.object({
    type: z.literal("recurring"),
    timezone: z.string(),
    startTime: z.string(),
    durationMinutes: z.number().int(),
    daily: z.literal(true).optional(),
    weekly: z.object({ days: z.array(z.string()) }).optional(),
    monthly: z.object({ dayOfMonth: z.number().int() }).optional(),
    from: z.string().optional(),
    until: z.string().optional(),
  }),
]);

export const WindowResponse = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    monitorIds: z.array(z.string()),
    tags: z.array(z.string()),
    schedule: ScheduleResponse,
    active: z.boolean().meta({ description: "Open now" }),
    nextOccurrences: z
      .array(z.object({ startsAt: z.string(), endsAt: z.string() }))
      .meta({ description: "Occurrences not yet over, the open one first: one in lists, ten on GET by id" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "MaintenanceWindow" });

/** The API's schedule as the domain's: instants to milliseconds, the repeat rule to one field. */
export function toSchedule(s: ScheduleBody): MaintenanceSchedule {
  if (s.type === "once")
    return { type: "once", startsAt: Date.parse(s.startsAt), endsAt: Date.parse(s.endsAt) };
  const repeat = s.weekly
    ? { every: "weekly" as const, days: WEEKDAYS.filter((d) => s.weekly?.days.includes(d)) }
    : s.monthly
      ? { every: "monthly" as const, dayOfMonth: s.monthly.dayOfMonth }
      : { every: "daily" as const };
  return {
    type: "recurring",
    timezone: canonicalTimezone(s.timezone),
    startTime: s.startTime,
    durationMinutes: s.durationMinutes,
    repeat,
    ...(s.from ? { from: s.from } : {}),
    ...(s.until ? { until: s.until } : {}),
  };
}

/** The domain's schedule in the API's shape (instants in UTC). */
export function presentSchedule(s: MaintenanceSchedule): z.infer<typeof ScheduleResponse> {
  if (s.type === "once") {
    return {
      type: "once",
      startsAt: new Date(s.startsAt).toISOString(),
      endsAt: new Date(s.endsAt).toISOString(),
    };
  }
  const { repeat, type: _type, ...rest } = s;
  if (repeat.every === "weekly") return { type: "recurring", ...rest, weekly: { days: repeat.days } };
  if (repeat.every === "monthly")
    return { type: "recurring", ...rest, monthly: { dayOfMonth: repeat.dayOfMonth } };
  return { type: "recurring", ...rest, daily: true };
}
