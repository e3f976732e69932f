import { type MonitorDefinition, pickSettings } from "../../domain/monitor.ts";
import { SETTINGS_BLOCKS } from "../../monitor-types/types.ts";

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
  "quorum",
] as const;

/**
 * The names of the fields an update changes (`name`, `http.headers`, `http.auth`), for the audit
 * log. Names only, never values: headers and auth may hold credentials.
 */
export function changedFields(before: MonitorDefinition, after: MonitorDefinition): string[] {
  const changed: string[] = FIELDS.filter((field) => !same(before[field], after[field]));
  const a0 = pickSettings(before);
  const b0 = pickSettings(after);
  // The settings blocks any type takes (`http`, `dns`…), in the registry's order.
  for (const block of SETTINGS_BLOCKS) {
    const a = a0[block];
    const b = b0[block];
    if (a && b) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      changed.push(...keys.filter((key) => !same(a[key], b[key])).map((key) => `${block}.${key}`));
    } else if (a || b) {
      changed.push(block);
    }
  }
  return changed;
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
