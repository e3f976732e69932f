/**
 * Breaking-change check of the API contract: compares the committed openapi.json with the one of
 * a base revision (default `main`; `npm run api:changes -- <ref>`) using api-smart-diff, prints
 * every change by operation, and fails when a breaking change is not listed in CHANGELOG.md's
 * "Unreleased" section (write its `METHOD /path` there). Run by `npm run lint`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { apiCompare } from "api-smart-diff";

const base = process.argv[2] ?? "main";
let before: unknown;
try {
  const text = execFileSync("git", ["show", `${base}:openapi.json`], { encoding: "utf8", stdio: "pipe" });
  before = JSON.parse(text);
} catch {
  console.log(`api-changes: ${base} has no openapi.json; nothing to compare`);
  process.exit(0);
}
const after = JSON.parse(readFileSync("openapi.json", "utf8")) as { paths: Record<string, unknown> };

interface Change {
  type: string;
  where: string;
  description: string;
}
const METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);
/** `paths./x.get.…` → `GET /x`; component-only changes show up under the operations using them. */
function operationOf(path: unknown[]): string | undefined {
  if (path[0] !== "paths" || typeof path[1] !== "string") return undefined;
  const method = typeof path[2] === "string" && METHODS.has(path[2]) ? path[2].toUpperCase() : "*";
  return `${method} ${path[1]}`;
}

const changes: Change[] = [];
for (const d of apiCompare(before, after).diffs) {
  const where = operationOf(d.path);
  if (where) changes.push({ type: d.type, where, description: d.description ?? d.action });
}
// api-smart-diff counts a newly required request field as non-breaking; old clients would fail.
for (const [path, ops] of Object.entries(after.paths)) {
  for (const [method, op] of Object.entries(ops as Record<string, OperationLike>)) {
    const old = (before as { paths: Record<string, Record<string, OperationLike>> }).paths[path]?.[method];
    const added = requiredOf(op).filter((f) => old && !requiredOf(old).includes(f));
    for (const field of added) {
      changes.push({
        type: "breaking",
        where: `${method.toUpperCase()} ${path}`,
        description: `[Required] request body field \`${field}\` is now required`,
      });
    }
  }
}

type OperationLike = { requestBody?: { content?: Record<string, { schema?: { required?: string[] } }> } };
function requiredOf(op: OperationLike): string[] {
  return op.requestBody?.content?.["application/json"]?.schema?.required ?? [];
}

const breaking = changes.filter((c) => c.type === "breaking");
const unreleased = /## Unreleased([\s\S]*?)(\n## |$)/.exec(readFileSync("CHANGELOG.md", "utf8"))?.[1] ?? "";
const unlisted = [...new Set(breaking.map((c) => c.where))].filter((w) => !unreleased.includes(w));
const counts = (t: string) => changes.filter((c) => c.type === t).length;
console.log(
  `api-changes against ${base}: ${breaking.length} breaking, ${counts("non-breaking")} non-breaking, ${counts("annotation")} annotation, ${counts("deprecated")} deprecated`,
);
for (const c of breaking) console.log(`  breaking  ${c.where}: ${c.description}`);
if (unlisted.length > 0) {
  console.error(
    `Breaking changes not listed under "## Unreleased" in CHANGELOG.md (name each operation):\n  ${unlisted.join("\n  ")}`,
  );
  process.exit(1);
}
