/**
 * How assertions and the values they saw are written down: the `assertion` and `actual` fields
 * of a verdict, which are stored with every result and shown in the UI and notifications.
 */
import type { Assertion, AssertionSubject, AssertionValue } from "./assertion.ts";

/** Longest text kept in a verdict's `actual` (and in a rendered expected value), in characters. */
export const MAX_ACTUAL_CHARS = 120;

const LATENCY_SUBJECTS: ReadonlySet<AssertionSubject> = new Set([
  "latency.total",
  "latency.dns",
  "latency.connect",
  "latency.tls",
  "latency.firstByte",
]);

export function isLatencySubject(subject: AssertionSubject): boolean {
  return LATENCY_SUBJECTS.has(subject);
}

/** E.g. `status in [200,204]`, `json $.status == "ok"`, `header content-type contains "json"`. */
export function describeAssertion(a: Assertion): string {
  const parts: string[] = [a.subject];
  if (a.subject === "json") parts.push(a.path ?? "$");
  else if (a.subject === "header") parts.push(a.path ?? "");
  parts.push(a.op);
  if (a.op !== "exists" && a.op !== "notExists" && a.value !== undefined) {
    parts.push(renderExpected(a.value));
  }
  const text = parts.join(" ");
  return a.caseSensitive ? `${text} (case-sensitive)` : text;
}

function renderExpected(value: AssertionValue): string {
  if (Array.isArray(value)) return `[${value.map(renderExpected).join(",")}]`;
  if (typeof value === "string") return JSON.stringify(truncateText(value));
  return String(value);
}

/** A verdict's `actual`: scalars as they are, text cut short, structures as cut JSON. */
export function renderActual(value: unknown, subject: AssertionSubject): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    return isLatencySubject(subject) ? Math.round(value * 10) / 10 : value;
  }
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return truncateText(value);
  return truncateText(stringifySafely(value));
}

// Values here come from JSON.parse or probe fields, but a cycle or BigInt must not crash a judgement.
function stringifySafely(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "[unrenderable value]";
  }
}

/** Cuts to at most MAX_ACTUAL_CHARS, ending in "…", without splitting a surrogate pair. */
export function truncateText(text: string): string {
  if (text.length <= MAX_ACTUAL_CHARS) return text;
  let end = MAX_ACTUAL_CHARS - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
