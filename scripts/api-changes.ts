/**
 * Breaking-change check of the API contract: compares the committed openapi.json with the one of
 * a base revision (default `main`; `npm run api:changes -- <ref>`) using api-smart-diff, prints
 * the breaking changes by operation, and fails when one is not named in CHANGELOG.md's
 * "Unreleased" section (write its `METHOD /path` there). Run by `npm run lint`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { apiChanges, unlistedBreaking } from "./api-diff.ts";

const base = process.argv[2] ?? "main";
let before: Parameters<typeof apiChanges>[0];
try {
  const text = execFileSync("git", ["show", `${base}:openapi.json`], { encoding: "utf8", stdio: "pipe" });
  before = JSON.parse(text);
} catch {
  console.log(`api-changes: ${base} has no openapi.json; nothing to compare`);
  process.exit(0);
}
const changes = apiChanges(before, JSON.parse(readFileSync("openapi.json", "utf8")));
const counts = (t: string) => changes.filter((c) => c.type === t).length;
console.log(
  `api-changes against ${base}: ${counts("breaking")} breaking, ${counts("non-breaking")} non-breaking, ${counts("annotation")} annotation, ${counts("deprecated")} deprecated`,
);
for (const c of changes.filter((c) => c.type === "breaking"))
  console.log(`  breaking  ${c.where}: ${c.description}`);
const unlisted = unlistedBreaking(changes, readFileSync("CHANGELOG.md", "utf8"));
if (unlisted.length > 0) {
  console.error(
    `Breaking changes not listed under "## Unreleased" in CHANGELOG.md (name each operation):\n  ${unlisted.join("\n  ")}`,
  );
  process.exit(1);
}
