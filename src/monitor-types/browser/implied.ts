import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { statusDefaults } from "../http/implied.ts";

export const BROWSER_SUBJECTS = [
  "status",
  "latency.total",
  "latency.dns",
  "latency.connect",
  "latency.firstByte",
  "browser.domContentLoaded",
  "browser.load",
  "browser.consoleErrors",
  "browser.failedRequests",
  "browser.blockedRequests",
  "browser.failedStep",
  "browser.passedSteps",
] as const;

/** No failed step, and the page's status 2xx or 3xx unless the user asserts on `status`. */
export function browserImplied(spec: CheckSpec): Assertion[] {
  return [hard({ subject: "browser.failedStep", op: "==", value: 0 }), ...statusDefaults(spec)];
}
