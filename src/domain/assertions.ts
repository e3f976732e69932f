/**
 * Judging an observation: whether a check's assertions hold. Which assertions apply is the
 * monitor type's business (its implied ones, listed first, then the user's own): see
 * `judgeObservation` in src/monitor-types/run.ts, which asks the type and calls `judgeAssertions`.
 *
 * There is intentionally no regex op: user patterns run against untrusted response bodies,
 * and one catastrophic-backtracking pattern would stall a prober. Use contains/notContains.
 */
import type { Assertion, AssertionValue, AssertionVerdict } from "./assertion.ts";
import { describeAssertion, renderActual } from "./assertion-text.ts";
import type { Observation, ResultStatus, Timings } from "./check-result.ts";
import { JsonPathError, parseJsonPath, walkJsonPath } from "./json-path.ts";

export { describeAssertion } from "./assertion-text.ts";

export interface Judgement {
  status: ResultStatus;
  verdicts: AssertionVerdict[];
}

/** An assertion a type implies; implied ones are always `hard`. */
export function hard(a: Omit<Assertion, "severity">): Assertion {
  return { ...a, severity: "hard" };
}

/** Judges an observation against the given assertions (implied and user's, in order). */
export function judgeAssertions(assertions: readonly Assertion[], obs: Observation): Judgement {
  if (obs.error) return { status: "down", verdicts: [] };
  const readJson = memoizeJson(obs.body);
  const verdicts = assertions.map((a) => judgeAssertion(a, obs, readJson));
  return { status: statusOf(verdicts), verdicts };
}

export function statusOf(verdicts: readonly AssertionVerdict[]): ResultStatus {
  if (verdicts.some((v) => !v.ok && v.severity === "hard")) return "down";
  if (verdicts.some((v) => !v.ok && v.severity === "soft")) return "degraded";
  return "up";
}

/** What a subject resolved to; `broken` means it could not be read at all (e.g. invalid JSON). */
type Resolved = { kind: "value"; value: unknown } | { kind: "missing" } | { kind: "broken"; actual: string };

type JsonDoc = { ok: true; doc: unknown } | { ok: false };

// The body is parsed at most once per judgement, however many json assertions there are.
function memoizeJson(body: string | undefined): () => JsonDoc {
  let cached: JsonDoc | undefined;
  return () => {
    if (cached) return cached;
    try {
      const doc: unknown = JSON.parse(body ?? "");
      cached = { ok: true, doc };
    } catch {
      cached = { ok: false };
    }
    return cached;
  };
}

function judgeAssertion(a: Assertion, obs: Observation, readJson: () => JsonDoc): AssertionVerdict {
  const resolved = resolveSubject(a, obs, readJson);
  const actual =
    resolved.kind === "broken"
      ? resolved.actual
      : resolved.kind === "missing"
        ? null
        : renderActual(resolved.value, a.subject);
  return { assertion: describeAssertion(a), ok: holds(a, resolved), severity: a.severity, actual };
}

const LATENCY_FIELDS = {
  "latency.total": "total",
  "latency.dns": "dns",
  "latency.connect": "connect",
  "latency.tls": "tls",
  "latency.firstByte": "firstByte",
} as const satisfies Record<string, keyof Timings>;

function resolveSubject(a: Assertion, obs: Observation, readJson: () => JsonDoc): Resolved {
  switch (a.subject) {
    case "status":
      return present(obs.statusCode);
    case "latency.total":
    case "latency.dns":
    case "latency.connect":
    case "latency.tls":
    case "latency.firstByte":
      return present(obs.timings[LATENCY_FIELDS[a.subject as keyof typeof LATENCY_FIELDS]]);
    case "body":
      return present(obs.body);
    case "json":
      return resolveJson(a.path ?? "$", obs, readJson);
    case "header":
      return resolveHeader(a.path ?? "", obs.headers);
    case "cert.daysLeft":
      return present(obs.cert?.daysLeft);
    case "cert.hostnameMatch":
      return present(obs.cert?.hostnameMatch);
    case "cert.chainValid":
      return present(obs.cert?.chainValid);
    case "dns.answers":
      return present(obs.dnsAnswers);
    default:
      // A subject a monitor type offers reads the fact of that name; own keys only.
      return obs.facts && Object.hasOwn(obs.facts, a.subject)
        ? present(obs.facts[a.subject])
        : { kind: "missing" };
  }
}

function present(value: unknown): Resolved {
  return value === undefined ? { kind: "missing" } : { kind: "value", value };
}

function resolveJson(path: string, obs: Observation, readJson: () => JsonDoc): Resolved {
  if (obs.body === undefined) return { kind: "missing" };
  const parsed = readJson();
  if (!parsed.ok) {
    return { kind: "broken", actual: obs.bodyTruncated ? "invalid JSON (body truncated)" : "invalid JSON" };
  }
  try {
    const match = walkJsonPath(parsed.doc, parseJsonPath(path));
    return match.found ? { kind: "value", value: match.value } : { kind: "missing" };
  } catch (error) {
    // Paths are validated on input; a stored one that no longer parses fails rather than throws.
    if (error instanceof JsonPathError) return { kind: "broken", actual: "invalid JSON path" };
    throw error;
  }
}

function resolveHeader(name: string, headers: Record<string, string> | undefined): Resolved {
  const wanted = name.toLowerCase();
  if (!headers || wanted === "") return { kind: "missing" };
  // Own keys only, so `header constructor` cannot reach Object.prototype.
  if (Object.hasOwn(headers, wanted)) return present(headers[wanted]);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return present(value);
  }
  return { kind: "missing" };
}

function holds(a: Assertion, resolved: Resolved): boolean {
  if (resolved.kind === "broken") return false;
  if (a.op === "exists") return resolved.kind === "value";
  if (a.op === "notExists") return resolved.kind === "missing";
  if (resolved.kind === "missing" || a.value === undefined) return false;
  const actual = resolved.value;
  const expected = a.value;
  const cs = a.caseSensitive === true;
  switch (a.op) {
    case "==":
      return equalsValue(actual, expected, cs);
    case "!=":
      return !equalsValue(actual, expected, cs);
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compareNumbers(a.op, actual, expected);
    case "in":
    case "notIn": {
      if (!Array.isArray(expected)) return false;
      const found = expected.some((e) => equalsValue(actual, e, cs));
      return a.op === "in" ? found : !found;
    }
    case "contains":
    case "notContains":
      return containment(a.op, actual, expected, cs);
  }
}

// Accepts plain decimal numbers only, so headers like "0x10" or "" never compare as numbers.
const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && DECIMAL.test(value.trim())) return Number(value);
  return undefined;
}

function compareNumbers(op: "<" | "<=" | ">" | ">=", actual: unknown, expected: AssertionValue): boolean {
  const a = toNumber(actual);
  const e = toNumber(expected);
  if (a === undefined || e === undefined) return false;
  if (op === "<") return a < e;
  if (op === "<=") return a <= e;
  if (op === ">") return a > e;
  return a >= e;
}

function textEquals(a: string, b: string, cs: boolean): boolean {
  return cs ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** Numbers (and numeric text) compare numerically, text by the case rule, booleans and null exactly. */
function equalsValue(actual: unknown, expected: AssertionValue, cs: boolean): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => equalsValue(actual[i], e, cs))
    );
  }
  if (expected === null || typeof expected === "boolean") return actual === expected;
  if (typeof expected === "number") return toNumber(actual) === expected;
  if (typeof actual === "string") return textEquals(actual, expected, cs);
  if (typeof actual === "number") return toNumber(expected) === actual;
  if (typeof actual === "boolean") return textEquals(String(actual), expected, false);
  return false;
}

/**
 * Text: every needle is a substring. Array: every needle equals some element. `notContains`
 * means none of the needles is present, so `body notContains ["error","fatal"]` bans both.
 */
function containment(
  op: "contains" | "notContains",
  actual: unknown,
  expected: AssertionValue,
  cs: boolean,
): boolean {
  const needles = Array.isArray(expected) ? expected : [expected];
  let isPresent: (needle: AssertionValue) => boolean;
  if (typeof actual === "string") {
    if (!needles.every((n) => typeof n === "string" || typeof n === "number")) return false;
    const hay = cs ? actual : actual.toLowerCase();
    isPresent = (n) => hay.includes(cs ? String(n) : String(n).toLowerCase());
  } else if (Array.isArray(actual)) {
    isPresent = (n) => actual.some((element) => equalsValue(element, n, cs));
  } else {
    return false;
  }
  return op === "contains" ? needles.every(isPresent) : !needles.some(isPresent);
}
