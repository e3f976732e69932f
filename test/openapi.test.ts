import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { operationsSource } from "../scripts/sdk-operations.ts";
import type { RouteAuthEntry } from "../src/api/plugins/auth.ts";
import { servedApi } from "../src/cli/openapi-doc.ts";
import { CHANNEL_ADAPTERS } from "../src/notify/channels/index.ts";

/**
 * The contract (docs/api-contract.md): the committed openapi.json is the document the server
 * serves, every operation is named, summarised and tagged, and every API and public data route
 * is in it. A route added without an operationId, or without `npm run gen:api`, fails here.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, unknown>;
}
type Doc = { paths: Record<string, Record<string, Operation>>; tags: { name: string }[] };

describe("openapi.json", () => {
  let served: Doc;
  let routes: readonly RouteAuthEntry[];
  beforeAll(async () => {
    // The instance `npm run gen:api` asks: default configuration (limits show in the document).
    const api = await servedApi();
    served = JSON.parse(JSON.stringify(api.document)) as Doc;
    routes = api.routes;
  });

  const operations = () =>
    Object.entries(served.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );

  it("is the document the server serves (run `npm run gen:api` after changing a route)", () => {
    const committed = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8"));
    expect(committed, "openapi.json is stale: run npm run gen:api").toEqual(served);
  });

  it("names every operation once: add `operationId` to the route's schema", () => {
    const unnamed = operations()
      .filter((o) => !o.op.operationId)
      .map((o) => o.where);
    expect(unnamed, "operations without schema.operationId").toEqual([]);
    const ids = operations().map((o) => o.op.operationId);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      "operationIds used twice",
    ).toEqual([]);
    const badIds = ids.filter((id) => !/^[a-z][A-Za-z0-9]+$/.test(id ?? ""));
    expect(badIds, "operationIds are lowerCamelCase").toEqual([]);
  });

  it("gives every operation a summary, a known tag, security and a described success", () => {
    const tags = new Set(served.tags.map((t) => t.name));
    for (const { where, op } of operations()) {
      expect(op.summary, `${where}: summary`).toBeTruthy();
      expect(op.tags?.length, `${where}: tags`).toBe(1);
      expect(tags.has(op.tags![0]!), `${where}: tag ${op.tags![0]} is declared`).toBe(true);
      expect(Array.isArray(op.security), `${where}: security`).toBe(true);
      const codes = Object.keys(op.responses ?? {});
      expect(
        codes.some((c) => c.startsWith("2")),
        `${where}: a success response`,
      ).toBe(true);
    }
  });

  it("documents every /api/v1 route and the public data routes (JSON, feeds, badges, live)", () => {
    const documented = new Set(operations().map((o) => o.where));
    const api = routes
      .filter((r) => r.url.startsWith("/api/v1/") || r.url.startsWith("/badge/"))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}`);
    expect(api.length).toBeGreaterThan(100);
    expect(api.filter((r) => !documented.has(r))).toEqual([]);
    for (const path of [
      "GET /status/{slug}/api/v2/summary.json",
      "GET /status/{slug}/api/v2/scheduled-maintenances/upcoming.json",
      "GET /status/{slug}/feed.rss",
      "GET /status/{slug}/feed.atom",
      "GET /status/{slug}/events",
      "GET /badge/{monitorId}/status.svg",
      "GET /badge/{monitorId}/uptime-30d.svg",
    ]) {
      expect(documented.has(path), path).toBe(true);
    }
  });

  it("takes a channel as a union discriminated by kind, one named schema per kind", () => {
    const body = (
      served.paths["/api/v1/channels"]!.post as {
        requestBody: {
          content: Record<
            string,
            {
              schema: {
                oneOf: { $ref: string }[];
                discriminator: { propertyName: string; mapping: Record<string, string> };
              };
            }
          >;
        };
      }
    ).requestBody.content["application/json"]!.schema;
    expect(body.discriminator.propertyName).toBe("kind");
    expect(Object.keys(body.discriminator.mapping).sort()).toEqual([...CHANNEL_ADAPTERS.keys()].sort());
    const schemas = (
      served as unknown as {
        components: {
          schemas: Record<string, { properties: Record<string, { const?: string; required?: string[] }> }>;
        };
      }
    ).components.schemas;
    const slack = schemas[body.discriminator.mapping.slack!.split("/").pop()!]!;
    expect(slack.properties.kind!.const).toBe("slack");
    expect(slack.properties.secrets!.required).toEqual(["webhookUrl"]);
  });

  it("marks public operations as needing no credential and the others as needing one", () => {
    const login = served.paths["/api/v1/auth/login"]!.post!;
    expect(login.security).toEqual([]);
    const create = served.paths["/api/v1/monitors"]!.post!;
    expect(create.security).toContainEqual({ apiKey: [] });
    expect(create.security).toContainEqual({ sessionCookie: [], csrfToken: [] });
    const me = served.paths["/api/v1/me"]!.get!;
    expect(me.security).not.toContainEqual({ apiKey: [] });
  });
});

describe("packages/sdk's generated files", () => {
  const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
  it("are generated from the committed openapi.json (run `npm run gen:api`)", async () => {
    const doc = JSON.parse(read("openapi.json"));
    expect(read("packages/sdk/src/operations.ts") === operationsSource(doc), "operations.ts is stale").toBe(
      true,
    );
    const schema = astToString(await openapiTS(doc, { defaultNonNullable: false }));
    const body = (text: string) => text.slice(text.indexOf("export interface paths"));
    expect(body(read("packages/sdk/src/schema.ts")) === body(schema), "schema.ts is stale").toBe(true);
  });
});
