import { randomBytes } from "node:crypto";
import { Cron } from "croner";
import { z } from "zod";

/** The longest period or grace a heartbeat takes: 365 days, in seconds. */
const MAX_SECONDS = 365 * 86_400;
/** A ping token: 22 URL-safe characters (128 random bits), or a Healthchecks-style UUID. */
export const PING_TOKEN =
  /^(?:[A-Za-z0-9_-]{22}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const newPingToken = () => randomBytes(16).toString("base64url");

/** An organization's ping key: 24 URL-safe characters (144 random bits), never the length of a token. */
export const PING_KEY = /^[A-Za-z0-9_-]{24}$/;
export const newPingKey = () => randomBytes(18).toString("base64url");

/** A heartbeat's name in the readable ping URL: lower-case letters, digits and dashes. */
export const PING_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** True when `tz` is an IANA time zone this runtime knows (`Europe/Berlin`, `UTC`). */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isCron(expr: string): boolean {
  try {
    new Cron(expr, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export const HeartbeatBlock = z
  .strictObject({
    token: z
      .string()
      .regex(PING_TOKEN, "must be 22 URL-safe characters or a UUID")
      .optional()
      .meta({ description: "The secret of the ping URL /ping/{token}; made by the server when absent." }),
    slug: z
      .string()
      .regex(PING_SLUG, "must be lower-case letters, digits and dashes (at most 64), e.g. nightly-backup")
      .optional()
      .meta({
        description:
          "The monitor's name in the readable ping URL /ping/{organization ping key}/{slug}; unique in the organization.",
      }),
    periodSeconds: z.number().int().min(60).max(MAX_SECONDS).default(86_400).meta({
      description: "The expected time between successes (without `cron`).",
    }),
    cron: z
      .string()
      .max(120)
      .refine(isCron, "must be a cron expression (5 or 6 fields)")
      .optional()
      .meta({ description: "When successes are expected, e.g. `0 3 * * *`; replaces periodSeconds." }),
    timezone: z.string().max(64).refine(isTimeZone, "must be an IANA time zone").default("UTC"),
    graceSeconds: z.number().int().min(0).max(MAX_SECONDS).default(3_600).meta({
      description: "How late a success may be, and how long a started run may take, before down.",
    }),
  })
  .transform((h) => ({ ...h, token: h.token ?? newPingToken() }));

export interface HeartbeatSettings {
  token: string;
  slug?: string;
  periodSeconds: number;
  cron?: string;
  timezone: string;
  graceSeconds: number;
}
