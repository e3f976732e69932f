import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apiChanges, unlistedBreaking } from "../scripts/api-diff.ts";

/** The breaking-change check of `npm run api:changes` (docs/api-contract.md), on the real document. */
describe("api-changes", () => {
  const doc = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8"));

  it("finds no change between a document and itself", () => {
    expect(apiChanges(doc, structuredClone(doc))).toEqual([]);
  });

  it("calls a removed operation, a removed response field and a newly required body field breaking", () => {
    const after = structuredClone(doc);
    delete after.paths["/api/v1/monitors/{id}/pause"];
    delete after.components.schemas.Monitor.properties.name;
    after.paths["/api/v1/incidents/{id}/notes"].post.requestBody.content[
      "application/json"
    ].schema.required.push("extra");
    after.paths["/api/v1/incidents/{id}/notes"].post.requestBody.content[
      "application/json"
    ].schema.properties.extra = { type: "string" };
    const changes = apiChanges(doc, after);
    const breaking = new Set(changes.filter((c) => c.type === "breaking").map((c) => c.where));
    expect(breaking).toContain("POST /api/v1/monitors/{id}/pause");
    expect(breaking).toContain("GET /api/v1/monitors/{id}");
    expect(breaking).toContain("POST /api/v1/incidents/{id}/notes");

    const listed = "# Changelog\n\n## Unreleased\n\n- Removed POST /api/v1/monitors/{id}/pause\n\n## 0.1.0\n";
    const unlisted = unlistedBreaking(changes, listed);
    expect(unlisted).not.toContain("POST /api/v1/monitors/{id}/pause");
    expect(unlisted).toContain("GET /api/v1/monitors/{id}");
  });

  it("calls a new operation non-breaking", () => {
    const after = structuredClone(doc);
    after.paths["/api/v1/widgets"] = {
      get: { operationId: "listWidgets", summary: "Widgets", responses: { "200": { description: "OK" } } },
    };
    const changes = apiChanges(doc, after);
    expect(changes.filter((c) => c.type === "breaking")).toEqual([]);
    expect(changes.map((c) => c.where)).toContain("GET /api/v1/widgets");
  });
});
