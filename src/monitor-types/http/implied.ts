import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";

/** Subjects every http-like type (http, keyword, json) answers. */
export const HTTP_SUBJECTS = [
  "status",
  "latency.total",
  "latency.dns",
  "latency.connect",
  "latency.tls",
  "latency.firstByte",
  "body",
  "json",
  "header",
  "cert.daysLeft",
  "cert.hostnameMatch",
  "cert.chainValid",
] as const;

/** `status >= 200` and `status < 400`, unless the user asserts on `status`. */
export function statusDefaults(spec: CheckSpec): Assertion[] {
  if (spec.assertions.some((a) => a.subject === "status")) return [];
  return [
    hard({ subject: "status", op: ">=", value: 200 }),
    hard({ subject: "status", op: "<", value: 400 }),
  ];
}
