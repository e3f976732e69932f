import type { FieldIssue } from "../lib/errors.ts";

/** A validation issue as zod reports it (directly, or inside a Fastify validation error). */
export interface RawIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  keys?: string[];
}

/**
 * Turns validation issues into `errors[]` entries, one per failing field, with the location
 * first (`body.http.method`). An unknown key is reported at its own path, one entry per key.
 */
export function toFieldIssues(where: string, issues: RawIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const at = [where, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      return issue.keys.map((key) => ({ path: [...at, key].join("."), message: "unknown field" }));
    }
    return [{ path: at.join("."), message: issue.message }];
  });
}

/** The problem's detail for refused fields: "1 invalid field in the body", "2 invalid fields in the query". */
export function invalidFieldsDetail(count: number, where: string): string {
  return `${count} invalid field${count === 1 ? "" : "s"} in the ${where}`;
}
