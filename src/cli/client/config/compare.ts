import { hasEnvRef, resolveEnv } from "./file.ts";
import { REDACTED } from "./kinds.ts";

/** One difference between a declaration and the server: a field's path, what is there, what will be. */
export interface Change {
  path: string;
  from: unknown;
  to: unknown;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * What differs between what the file declares and what the server has, field by field. Only the
 * fields the file gives are compared (the server's defaults fill the rest); objects are compared
 * by the keys the file gives, lists item by item. A value the server keeps write-only (shown as
 * "[redacted]", or not shown) and a `${ENV}` value the server does not show count as equal:
 * they cannot be read back (docs/config-as-code.md#secrets).
 */
export function compare(declared: unknown, current: unknown, env: NodeJS.ProcessEnv, path = ""): Change[] {
  if (current === REDACTED) return [];
  if (typeof declared === "string" && hasEnvRef(declared)) {
    if (current === undefined || resolveEnv(declared, env) === current) return [];
    return [{ path, from: current, to: declared }];
  }
  if (Array.isArray(declared)) {
    if (!Array.isArray(current)) return [{ path, from: current, to: declared }];
    // The server keeps some lists as sets (sorted, without repeats): a reordering is no change.
    if (declared.every(isScalar) && current.every(isScalar) && sameSet(declared, current)) return [];
    if (current.length !== declared.length) return [{ path, from: current, to: declared }];
    const inner = declared.flatMap((d, i) => compare(d, current[i], env, `${path}[${i}]`));
    // A changed item of a list shows as the whole list when the items are scalars.
    return inner.length && declared.every((d) => typeof d !== "object" || d === null)
      ? [{ path, from: current, to: declared }]
      : inner;
  }
  if (declared !== null && typeof declared === "object") {
    if (current === null || typeof current !== "object" || Array.isArray(current)) {
      return [{ path, from: current, to: declared }];
    }
    return Object.entries(declared).flatMap(([k, v]) =>
      compare(v, (current as Record<string, unknown>)[k], env, path ? `${path}.${k}` : k),
    );
  }
  if (declared === current) return [];
  if (
    typeof declared === "string" &&
    typeof current === "string" &&
    ISO_DATE_TIME.test(declared) &&
    ISO_DATE_TIME.test(current) &&
    Date.parse(declared) === Date.parse(current)
  ) {
    return [];
  }
  return [{ path, from: current, to: declared }];
}

/** The top-level fields a list of changes touches (an update sends these whole). */
export function topFields(changes: Change[]): string[] {
  return [...new Set(changes.map((c) => c.path.split(/[.[]/)[0]!))];
}

const isScalar = (v: unknown): boolean => v === null || typeof v !== "object";

function sameSet(a: unknown[], b: unknown[]): boolean {
  const key = (list: unknown[]) => JSON.stringify([...new Set(list.map((v) => JSON.stringify(v)))].sort());
  return key(a) === key(b);
}
