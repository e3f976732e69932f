import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../services/auth/sessions.ts";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { MAX_JSON_DEPTH } from "./json-body.ts";

type Method = "POST" | "PATCH" | "PUT" | "DELETE";

/** `{"type": [[…1…]]}`: an object holding arrays, `depth` levels of nesting in all. */
function nested(depth: number): string {
  return `{"type":${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}}`;
}

/** Every operation of the OpenAPI document that takes a JSON body, with ids nobody has. */
function bodyRoutes(doc: {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
}): Array<[Method, string]> {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op.requestBody?.content?.["application/json"])
      .map(([method, _op]): [Method, string] => [
        method.toUpperCase() as Method,
        path.replace(/\{(\w+)\}/g, (_m, name: string) => `${name.slice(0, 3)}_doesnotexist`),
      ]),
  );
}

describe.each(DB_KINDS)("JSON bodies: nesting on %s", (kind) => {
  let up: TestUpblit;
  /** The owner's access token: it passes every route's check, for people and for keys alike. */
  let owner: Record<string, string>;
  let routes: Array<[Method, string]>;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    const tokens = await createSession(
      up.rt,
      { id: up.ownerId, organizationId: up.organizationId },
      undefined,
    );
    owner = { authorization: `Bearer ${tokens.accessToken}` };
    routes = bodyRoutes((await call(up, "GET", "/api/openapi.json")).json());
  });
  afterAll(async () => up?.close());

  const send = (method: Method, url: string, payload: string) =>
    up.app!.inject({ method, url, payload, headers: { ...owner, "content-type": "application/json" } });

  it("every body route refuses deep nesting with a problem naming the cause", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    for (const [method, url] of routes) {
      const where = `${method} ${url}`;
      const deep = expectProblem(await send(method, url, nested(5_000)), 400, "VALIDATION");
      expect(deep.detail, where).toBe(
        `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
  });

  it("PATCH /monitors/{id} with `type` nested 5,000 deep is a 400, as POST is; the monitor is unchanged", async () => {
    const m = await createMonitor(up, monitorBody("tcp", { name: "deep-patch" }));
    for (const method of ["PATCH", "POST"] as const) {
      const url = method === "PATCH" ? `${API}/monitors/${m.id}` : `${API}/monitors`;
      expectProblem(await send(method, url, nested(5_000)), 400, "VALIDATION");
    }
    const after = await call(up, "GET", `${API}/monitors/${m.id}`);
    expect(after.json()).toMatchObject({ name: "deep-patch", type: "tcp" });
  });

  it(`nesting up to ${MAX_JSON_DEPTH} levels reaches validation; one more is refused at parse time`, async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const atLimit = expectProblem(
      await send("PATCH", `${API}/monitors/${m.id}`, nested(MAX_JSON_DEPTH)),
      400,
      "VALIDATION",
    );
    expect(atLimit.errors.map((e) => e.path)).toContain("body.type");
    const over = expectProblem(
      await send("PATCH", `${API}/monitors/${m.id}`, nested(MAX_JSON_DEPTH + 1)),
      400,
      "VALIDATION",
    );
    expect(over.detail).toMatch(/deeper than/);
    // Brackets inside strings are text, not nesting.
    const text = monitorBody("tcp", { name: "[[[[".repeat(20), description: "{".repeat(500) });
    expect((await send("POST", `${API}/monitors`, JSON.stringify(text))).statusCode).toBe(201);
  });
});
