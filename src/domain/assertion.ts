/**
 * Structured, typed assertions in the spirit of Gatus conditions, e.g.
 *   { subject: "status", op: "in", value: [200, 204] }
 *   { subject: "latency.total", op: "<", value: 500, severity: "soft" }
 *   { subject: "json", path: "$.status", op: "==", value: "ok" }
 *   { subject: "header", path: "content-type", op: "contains", value: "json" }
 *   { subject: "cert.daysLeft", op: ">", value: 14 }
 * A failed `hard` assertion makes a result `down`, a failed `soft` one `degraded`.
 *
 * The built-in subjects below read the standard fields of an observation; a monitor type may offer
 * its own (say `icmp.loss`), which read the observation's `facts` of the same name. Which subjects
 * each type offers is listed in its folder of src/monitor-types.
 */
export const ASSERTION_SUBJECTS = [
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
  "dns.answers",
] as const;
export type BuiltinSubject = (typeof ASSERTION_SUBJECTS)[number];
/** A built-in subject or one a monitor type offers (validated at the API against the registry). */
export type AssertionSubject = BuiltinSubject | (string & {});

export const ASSERTION_OPS = [
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "in",
  "notIn",
  "contains",
  "notContains",
  "exists",
  "notExists",
] as const;
export type AssertionOp = (typeof ASSERTION_OPS)[number];

export type AssertionValue = string | number | boolean | null | Array<string | number>;

export interface Assertion {
  subject: AssertionSubject;
  /** JSON path for `json` (`$.a.b[0]`), header name for `header`; unused otherwise. */
  path?: string;
  op: AssertionOp;
  /** Absent for `exists` / `notExists`. */
  value?: AssertionValue;
  /** Text comparisons (`contains`, `==` on strings) ignore case unless this is true. */
  caseSensitive?: boolean;
  severity: "hard" | "soft";
}

/** One assertion's outcome, stored with the result. `actual` is capped so a result row stays small. */
export interface AssertionVerdict {
  /** Human-readable form of the assertion, e.g. `status in [200,204]`. */
  assertion: string;
  ok: boolean;
  severity: "hard" | "soft";
  actual?: string | number | boolean | null;
}
