import { apiCompare } from "api-smart-diff";

/** One change of the contract, by operation (`GET /api/v1/monitors`). */
export interface Change {
  type: string;
  where: string;
  description: string;
}
type OperationLike = { requestBody?: { content?: Record<string, { schema?: { required?: string[] } }> } };
type DocLike = { paths: Record<string, Record<string, OperationLike>> };

const METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);

/** `paths./x.get.…` → `GET /x`; changes of shared schemas show up under the operations using them. */
function operationOf(path: unknown[]): string | undefined {
  if (path[0] !== "paths" || typeof path[1] !== "string") return undefined;
  const method = typeof path[2] === "string" && METHODS.has(path[2]) ? path[2].toUpperCase() : "*";
  return `${method} ${path[1]}`;
}

function requiredOf(op: OperationLike): string[] {
  return op.requestBody?.content?.["application/json"]?.schema?.required ?? [];
}

/** Every change between two documents, classified by api-smart-diff (plus newly required fields). */
export function apiChanges(before: DocLike, after: DocLike): Change[] {
  const changes: Change[] = [];
  for (const d of apiCompare(before, after).diffs) {
    const where = operationOf(d.path);
    if (where) changes.push({ type: d.type, where, description: d.description ?? d.action });
  }
  // api-smart-diff counts a newly required request field as non-breaking; old clients would fail.
  for (const [path, ops] of Object.entries(after.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const old = before.paths[path]?.[method];
      if (!old) continue;
      for (const field of requiredOf(op).filter((f) => !requiredOf(old).includes(f))) {
        changes.push({
          type: "breaking",
          where: `${method.toUpperCase()} ${path}`,
          description: `[Required] request body field \`${field}\` is now required`,
        });
      }
    }
  }
  return changes;
}

/** Breaking operations the changelog's "## Unreleased" section does not name. */
export function unlistedBreaking(changes: Change[], changelog: string): string[] {
  const unreleased = /## Unreleased([\s\S]*?)(\n## |$)/.exec(changelog)?.[1] ?? "";
  const breaking = changes.filter((c) => c.type === "breaking").map((c) => c.where);
  return [...new Set(breaking)].filter((w) => !unreleased.includes(w));
}
