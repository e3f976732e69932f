import { Cron } from "croner";
import type { HeartbeatSettings } from "./settings.ts";

/**
 * When the next success is due after one at `lastMs` (ms since epoch): `lastMs + period`, or the
 * cron expression's next time after `lastMs` in the heartbeat's time zone (croner: a time that
 * a DST change skips runs at the first valid time after it; a repeated hour runs once).
 */
export function nextExpectedAt(
  h: Pick<HeartbeatSettings, "periodSeconds" | "cron" | "timezone">,
  lastMs: number,
): number {
  if (!h.cron) return lastMs + h.periodSeconds * 1000;
  const next = new Cron(h.cron, { paused: true, timezone: h.timezone }).nextRun(new Date(lastMs));
  // An expression with no future time (a date long past) never expects another success.
  return next ? next.getTime() : Number.POSITIVE_INFINITY;
}

/** The deadline after a success at `lastMs`: the next expected time plus the grace. */
export function deadlineAfter(h: HeartbeatSettings, lastMs: number): number {
  return nextExpectedAt(h, lastMs) + h.graceSeconds * 1000;
}

/**
 * The window in which the schedule allows one success, ending at `atMs`, for "too often"
 * (`heartbeat.runsInWindow`): the period (or the cron's gap around `atMs`) less the grace, so a
 * job that runs a little late one day and on time the next is not counted twice. At least 1 s.
 */
export function windowMs(h: HeartbeatSettings, atMs: number): number {
  return Math.max(1_000, gapMs(h, atMs) - h.graceSeconds * 1000);
}

function gapMs(h: HeartbeatSettings, atMs: number): number {
  if (!h.cron) return h.periodSeconds * 1000;
  const cron = new Cron(h.cron, { paused: true, timezone: h.timezone });
  const previous = cron.previousRuns(1, new Date(atMs))[0];
  const next = cron.nextRun(new Date(atMs));
  if (!previous || !next) return h.periodSeconds * 1000;
  return next.getTime() - previous.getTime();
}
