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

describe.each(DB_KINDS)("JSON bodies: nesting, encoding and charset on %s", (kind) => {
  let up: TestUpblit;
  /** The owner's access token: it passes every route's check, for people and for keys alike. */
  let owner: Record<string, string>;
  /** A probe token, for the probe protocol's routes. */
  let probe: Record<string, string>;
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
    // The remote probes' routes take a probe token and nothing else: one for a remote region.
    expect((await call(up, "POST", `${API}/regions`, { name: "office", kind: "remote" })).statusCode).toBe(
      201,
    );
    const made = await call(up, "POST", `${API}/probe-tokens`, { name: "office", region: "office" });
    expect(made.statusCode, made.body).toBe(201);
    probe = { authorization: `Bearer ${made.json<{ token: string }>().token}` };
  });
  afterAll(async () => up?.close());

  const send = (method: Method, url: string, payload: string | Buffer, contentType = "application/json") =>
    up.app!.inject({
      method,
      url,
      payload,
      headers: { ...(url.startsWith(`${API}/probe/`) ? probe : owner), "content-type": contentType },
    });

  it("every body route refuses deep nesting, invalid UTF-8 and other charsets with a problem naming the cause", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    for (const [method, url] of routes) {
      const where = `${method} ${url}`;
      const deep = expectProblem(await send(method, url, nested(5_000)), 400, "VALIDATION");
      expect(deep.detail, where).toBe(
        `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
      );
      const bytes = expectProblem(await send(method, url, invalidUtf8), 400, "VALIDATION");
      expect(bytes.detail, where).toBe("The body is not valid UTF-8");
      const charset = expectProblem(
        await send(method, url, '{"name":"x"}', "application/json; charset=utf-16"),
        415,
        "VALIDATION",
      );
      expect(charset.detail, where).toBe('Unsupported charset "utf-16"; send JSON as UTF-8');
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

  it("invalid UTF-8 in a name is refused, not stored as U+FFFD", async () => {
    const body = JSON.stringify(monitorBody("tcp", { name: "bad-bytes-XX" }));
    const bytes = Buffer.from(body);
    const at = bytes.indexOf("XX");
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    expectProblem(await send("POST", `${API}/monitors`, bytes), 400, "VALIDATION");
    const list = await call(up, "GET", `${API}/monitors?q=bad-bytes`);
    expect(list.json().items).toEqual([]);
  });

  it("charset utf-8 in any spelling is accepted; any other charset is a 415, even for ASCII bytes", async () => {
    for (const contentType of [
      "application/json; charset=utf-8",
      'application/json;charset="UTF-8"',
      "application/json; charset=utf8",
    ]) {
      const res = await send("POST", `${API}/monitors`, JSON.stringify(monitorBody("tcp")), contentType);
      expect(res.statusCode, `${contentType}: ${res.body}`).toBe(201);
    }
    for (const charset of ["utf-16", "UTF-16LE", "iso-8859-1", "us-ascii"]) {
      const payload = charset.toLowerCase().startsWith("utf-16")
        ? Buffer.from(JSON.stringify(monitorBody("tcp")), "utf16le")
        : JSON.stringify(monitorBody("tcp"));
      const problem = expectProblem(
        await send("POST", `${API}/monitors`, payload, `application/json; charset=${charset}`),
        415,
        "VALIDATION",
      );
      expect(problem.detail).toContain(`"${charset.toLowerCase()}"`);
    }
  });

  it("a body starting with a UTF-8 byte order mark is accepted and the mark dropped", async () => {
    const payload = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(monitorBody("tcp", { name: "with-bom" }))),
    ]);
    const res = await send("POST", `${API}/monitors`, payload);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe("with-bom");
    // Only the first mark is an encoding signature; a second one is text, and not JSON.
    const twice = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from("{}")]);
    expectProblem(await send("POST", `${API}/monitors`, twice), 400, "VALIDATION");
  });
});
