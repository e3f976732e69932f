import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MONITOR_TYPES } from "../monitor-types/types.ts";
import { API, API_ONLY, call, REQUEST_ID } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

type Json = Record<string, unknown>;
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Json & { responses?: Record<string, Json> }>>;
  components?: { schemas?: Record<string, Json> };
}

/** Every (method, path) the app serves, read from Fastify's route tree; `:id` becomes `{id}`. */
function servedRoutes(tree: string): Array<[string, string]> {
  const parents: string[] = [];
  const out: Array<[string, string]> = [];
  for (const line of tree.split("\n")) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (parents[depth - 1] ?? "") + m[2]!;
    parents[depth] = path;
    for (const method of (m[3] ?? "").split(", ").filter(Boolean)) {
      out.push([method, path.replace(/:(\w+)/g, "{$1}")]);
    }
  }
  return out;
}

/** Every value a `type` property may take anywhere in a JSON schema (const or enum), following $refs. */
function typeDiscriminators(schema: unknown, doc: OpenApiDoc, seen = new Set<unknown>()): string[] {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return [];
  seen.add(schema);
  const s = schema as Json;
  const found: string[] = [];
  if (typeof s.$ref === "string") {
    const name = s.$ref.split("/").at(-1)!;
    found.push(...typeDiscriminators(doc.components?.schemas?.[name], doc, seen));
  }
  const props = s.properties as Record<string, Json> | undefined;
  const type = props?.type;
  if (type) {
    if (typeof type.const === "string") found.push(type.const);
    if (Array.isArray(type.enum)) found.push(...(type.enum as string[]));
  }
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    for (const sub of (s[key] as unknown[]) ?? []) found.push(...typeDiscriminators(sub, doc, seen));
  }
  return found;
}

describe.each(DB_KINDS)("app: OpenAPI, docs and health on %s", (kind) => {
  let up: TestUpblit;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    const res = await call(up, "GET", "/api/openapi.json");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    doc = res.json<OpenApiDoc>();
  });
  afterAll(async () => up?.close());

  it("is OpenAPI 3.1 and documents exactly the served /api/v1 and health routes (public ones: test/openapi.test.ts)", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe("Upblit API");
    for (const path of [`${API}/monitors`, `${API}/monitors/{id}`, `${API}/auth/login`, "/healthz"]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }

    const served = servedRoutes(up.app!.printRoutes({ commonPrefix: false }))
      .filter(
        ([method, path]) =>
          method !== "HEAD" && (path.startsWith(`${API}/`) || /^\/(healthz|readyz|metrics)$/.test(path)),
      )
      .map(([method, path]) => `${method} ${path}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .filter(([path]) => !/^\/(status|badge|ping)\//.test(path))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(served.length).toBeGreaterThanOrEqual(16);
    expect(documented).toEqual(served);
  });

  it("documents the create body with every monitor type as the discriminator", () => {
    const post = doc.paths[`${API}/monitors`]!.post!;
    const body = post.requestBody as { required?: boolean; content: Record<string, { schema: unknown }> };
    expect(body.required).toBe(true);
    const schema = body.content["application/json"]!.schema;
    expect([...new Set(typeDiscriminators(schema, doc))].sort()).toEqual([...MONITOR_TYPES].sort());
    expect(Object.keys(post.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "400", "413", "415", "422"]),
    );
  });

  it("names each monitor type's input as its own schema, one branch of the union on type", () => {
    const schemas = (doc as unknown as { components: { schemas: Record<string, Json> } }).components.schemas;
    for (const type of MONITOR_TYPES) {
      const name = `${type[0]!.toUpperCase()}${type.slice(1)}MonitorInput`;
      const branch = schemas[name] as { properties?: { type?: { enum?: string[]; const?: string } } };
      expect(branch, name).toBeDefined();
      const discriminator = branch.properties?.type;
      expect(discriminator?.const ?? discriminator?.enum?.[0], name).toBe(type);
    }
  });

  it("documents error responses as application/problem+json with the Problem schema", () => {
    const post = doc.paths[`${API}/monitors`]!.post!;
    const ref = (post.responses!["400"] as { $ref: string }).$ref;
    expect(ref).toBe("#/components/responses/Invalid");
    const responses = (doc.components as { responses: Record<string, unknown> }).responses;
    const bad = responses.Invalid as { content: Record<string, { schema: Json }> };
    expect(Object.keys(bad.content)).toEqual(["application/problem+json"]);
    expect(bad.content["application/problem+json"]!.schema.$ref).toBe("#/components/schemas/Problem");
    const problem = doc.components!.schemas!.Problem as { required: string[] };
    expect(problem.required).toEqual(
      expect.arrayContaining(["type", "title", "status", "code", "requestId", "errors"]),
    );
  });

  it("serves the docs as HTML", async () => {
    let res = await call(up, "GET", "/api/docs");
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      res = await call(
        up,
        "GET",
        new URL(String(res.headers.location), "http://localhost/api/docs").pathname,
      );
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toContain("swagger-ui");
  });

  it("answers /healthz and /readyz with 200", async () => {
    const health = await call(up, "GET", "/healthz");
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: "ok" });
    expect(health.headers["x-request-id"]).toMatch(REQUEST_ID);
    const ready = await call(up, "GET", "/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
    expect(ready.headers["x-request-id"]).toMatch(REQUEST_ID);
  });
});
