import type { Timings } from "../domain/check-result.ts";

/** Hundredths of a millisecond: enough precision, and stored results stay small. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Phases that happened, rounded; absent phases stay absent. */
export function buildTimings(phases: Omit<Timings, "total">, totalMs: number): Timings {
  const timings: Timings = { total: roundMs(totalMs) };
  if (phases.dns !== undefined) timings.dns = roundMs(phases.dns);
  if (phases.connect !== undefined) timings.connect = roundMs(phases.connect);
  if (phases.tls !== undefined) timings.tls = roundMs(phases.tls);
  if (phases.firstByte !== undefined) timings.firstByte = roundMs(phases.firstByte);
  return timings;
}
