import { z } from "zod";

const DATE_TIME = z.iso.datetime({ offset: true });
const DATE_ONLY = z.iso.date();
const EXPECTED =
  "an ISO 8601 date-time with an offset, such as 2026-01-01T00:00:00Z, or a date (2026-01-01, midnight UTC)";

/**
 * A date query parameter (`from`, `to`, …): one schema for all of them, so each has a real
 * OpenAPI schema (`string`, `format: date-time`) and says what it wants when missing or wrong.
 * The handler receives a Date.
 */
export function dateTimeQuery(description: string) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `is required: ${EXPECTED}` : `must be ${EXPECTED}`),
    })
    .refine((s) => toDate(s) !== undefined, `must be ${EXPECTED}`)
    .transform((s) => toDate(s) as Date)
    .meta({ type: "string", format: "date-time", description, example: "2026-01-01T00:00:00Z" });
}

function toDate(s: string): Date | undefined {
  const text = DATE_ONLY.safeParse(s).success
    ? `${s}T00:00:00Z`
    : DATE_TIME.safeParse(s).success
      ? s
      : undefined;
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
