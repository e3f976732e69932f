import type { MonitorDefinition } from "../../domain/monitor.ts";

const FIELDS = [
  "name",
  "type",
  "target",
  "intervalSeconds",
  "timeoutMs",
  "regions",
  "assertions",
  "failuresBeforeDown",
  "successesBeforeUp",
  "tags",
  "description",
  "runbookUrl",
  "certExpiryDays",
] as const;
const BLOCKS = ["http", "keyword", "json", "dns"] as const;

/**
 * The names of the fields an update changes (`name`, `http.headers`, `http.auth`), for the audit
 * log. Names only, never values: headers and auth may hold credentials.
 */
export function changedFields(before: MonitorDefinition, after: MonitorDefinition): string[] {
  const changed: string[] = FIELDS.filter((field) => !same(before[field], after[field]));
  for (const block of BLOCKS) {
    const a = fieldOf(before, block);
    const b = fieldOf(after, block);
    if (a && b) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      changed.push(...keys.filter((key) => !same(a[key], b[key])).map((key) => `${block}.${key}`));
    } else if (a || b) {
      changed.push(block);
    }
  }
  return changed;
}

/** A settings block of a definition, when its type has one. */
function fieldOf(d: MonitorDefinition, block: (typeof BLOCKS)[number]): Record<string, unknown> | undefined {
  // Blocks are plain JSON objects (validated input or the stored settings column).
  return (d as unknown as Record<string, Record<string, unknown> | undefined>)[block];
}

/** Deep equality of JSON values, ignoring object key order. */
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
