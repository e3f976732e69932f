import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";

export interface ProbeOptions {
  /** Lift the block on loopback, private and link-local targets (cloud metadata stays blocked). */
  allowPrivateTargets: boolean;
  /** Bodies read for keyword/json checks are cut here (after decompression). */
  maxBodyBytes: number;
  userAgent: string;
  /**
   * Browser checks (monitor-types/browser): the Chromium to drive and how many checks may hold a
   * page at once in this process. Absent or no executable: browser checks fail with an error.
   */
  browser?: { executable: string | undefined; concurrency: number };
}

/** Runs one check and reports what it saw. Never throws: failures are in `observation.error`. */
export type Probe = (spec: CheckSpec, options: ProbeOptions) => Promise<Observation>;
