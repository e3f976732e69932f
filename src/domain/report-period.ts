/** Report periods and interval arithmetic for SLA reports; pure, no IO. */

/** A calendar month (`2026-10`) or year (`2026`), in UTC. */
export interface ReportPeriod {
  label: string;
  fromMs: number;
  /** Exclusive. */
  untilMs: number;
}

/** `YYYY` or `YYYY-MM`, years 2000–2999. */
export const PERIOD_PATTERN = /^(2\d{3})(?:-(0[1-9]|1[0-2]))?$/;

/** The UTC range of a period label, or undefined when it is not `YYYY` / `YYYY-MM`. */
export function parsePeriod(label: string): ReportPeriod | undefined {
  const m = PERIOD_PATTERN.exec(label);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[2] === undefined) return { label, fromMs: Date.UTC(year, 0, 1), untilMs: Date.UTC(year + 1, 0, 1) };
  const month = Number(m[2]) - 1;
  return { label, fromMs: Date.UTC(year, month, 1), untilMs: Date.UTC(year, month + 1, 1) };
}

/** A half-open span of time [start, end) in ms. */
export interface Span {
  start: number;
  end: number;
}

/** The spans clipped to [from, until), sorted and merged where they touch or overlap. */
export function mergeSpans(spans: Span[], from: number, until: number): Span[] {
  const clipped = spans
    .map((s) => ({ start: Math.max(s.start, from), end: Math.min(s.end, until) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of clipped) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** How much of [start, end) the merged spans cover, in ms. */
export function coveredMs(merged: Span[], start: number, end: number): number {
  let total = 0;
  for (const s of merged) {
    if (s.start >= end) break;
    total += Math.max(0, Math.min(s.end, end) - Math.max(s.start, start));
  }
  return total;
}
