/**
 * One browser check outside the probe role, for `bench:checks --type browser` (bench/checks.ts):
 * the same probe a monitor runs (shared Chromium, egress proxy, steps, screenshot on failure).
 * Call closeBrowsers() when done, or the bench's process keeps Chromium running.
 */
import type { Observation } from "../../domain/check-result.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { closeBrowsers } from "./browser-pool.ts";
import { type BrowserSpec, probeBrowser } from "./probe.ts";
import { BrowserBlock, type BrowserStep } from "./settings.ts";

export { closeBrowsers };

export interface BrowserBenchOptions {
  executable?: string;
  concurrency?: number;
  steps?: BrowserStep[];
  timeoutMs?: number;
  /** Bench targets are on loopback: allowed unless told otherwise. */
  allowPrivateTargets?: boolean;
}

export function runBrowserCheck(target: string, o: BrowserBenchOptions = {}): Promise<Observation> {
  const spec = {
    monitorId: "mon_bench",
    organizationId: "org_bench",
    type: "browser",
    target,
    timeoutMs: o.timeoutMs ?? 30_000,
    assertions: [],
    browser: BrowserBlock.parse({ steps: o.steps ?? [] }),
  } as unknown as BrowserSpec;
  const options: ProbeOptions = {
    allowPrivateTargets: o.allowPrivateTargets ?? true,
    maxBodyBytes: 1024 * 1024,
    userAgent: "upblit-bench/1",
    browser: { executable: o.executable ?? "/usr/bin/chromium", concurrency: o.concurrency ?? 2 },
  };
  return probeBrowser(spec, options);
}
