import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configTableMarkdown } from "../src/cli/config-docs.ts";
import { ENV_VARS } from "../src/config/schema.ts";
import { SCOPES } from "../src/domain/permissions.ts";
import { API_ONLY, call } from "../src/test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../src/test/upblit.ts";
import { brokenLinks, brokenTarget, markdownFiles } from "./docs-links.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("documentation stays true", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it("README carries the configuration table generated from the schema (npm run docs:config)", () => {
    expect(readme).toContain(configTableMarkdown().trim());
    for (const name of Object.keys(ENV_VARS)) expect(readme).toContain(`\`${name}\``);
  });

  it("README shows the two commands", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
  });

  it("every relative link between the Markdown files leads to a file and, with #anchor, to a heading", () => {
    const files = markdownFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(["README.md", "docs/api.md", "src/probe/README.md"]));
    expect(files.flatMap((f) => brokenLinks(ROOT, f))).toEqual([]);
  });

  it("the link check finds a missing file, a missing heading and ignores links in code", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "upblit-docs-"));
    try {
      mkdirSync(path.join(dir, "docs"));
      writeFileSync(
        path.join(dir, "docs", "a.md"),
        "# Title\n\n## Some `code` here, too\n\n## Some code here too\n",
      );
      writeFileSync(
        path.join(dir, "README.md"),
        [
          "[ok](docs/a.md) [ok](docs/a.md#title) [ok](docs/a.md#some-code-here-too)",
          "[ok](docs/a.md#some-code-here-too-1) [ok](#readme) [web](https://example.com/x.md)",
          "[gone](docs/b.md) [no heading](docs/a.md#nowhere) [no local heading](#nowhere)",
          "`[in code](docs/c.md)`",
          "```md\n[in a fence](docs/d.md)\n```",
          "# Readme",
        ].join("\n"),
      );
      expect(brokenLinks(dir, "README.md")).toEqual([
        "README.md: docs/b.md (no such file)",
        "README.md: docs/a.md#nowhere (no such heading)",
        "README.md: #nowhere (no such heading)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the API-key examples' expiry dates lie in the future", () => {
    const doc = readFileSync(path.join(ROOT, "docs/api-keys-and-audit.md"), "utf8");
    const dates = [...doc.matchAll(/"expiresAt"\s*:\s*"(\d{4}-\d\d-\d\dT[^"]+)"/g)].map((m) => m[1]!);
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(new Date(date).getTime(), date).toBeGreaterThan(Date.now());
  });
});

describe("documentation and the running API agree", () => {
  let up: TestUpblit;
  let openapi: string;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", API_ONLY);
    openapi = (await call(up, "GET", "/api/openapi.json")).body;
  });
  afterAll(async () => up?.close());

  it("every docs/… file (and #anchor) the OpenAPI document points at exists", () => {
    const refs = [...new Set([...openapi.matchAll(/docs\/[\w.-]+\.md(?:#[\w-]+)?/g)].map((m) => m[0]))];
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.flatMap((ref) => brokenTarget(ROOT, "README.md", ref) ?? [])).toEqual([]);
  });

  it("every API key scope is needed by some route, and the docs list exactly those scopes", () => {
    const needed = new Set([
      ...up.app!.routeAuthTable.flatMap((r) => (typeof r.auth === "object" ? [r.auth.permission] : [])),
      // GET /metrics is outside /api/v1 (not in the route table) and checks this scope itself.
      "metrics:read",
    ]);
    expect(SCOPES.filter((s) => !needed.has(s))).toEqual([]);
    const keysDoc = readFileSync(path.join(ROOT, "docs/api-keys-and-audit.md"), "utf8");
    const documented = [...keysDoc.matchAll(/^\| `([a-z-]+:[a-z]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...SCOPES].sort());
  });
});
