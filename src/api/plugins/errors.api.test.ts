import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../lib/ids.ts";
import {
  API,
  API_ONLY,
  authHeaders,
  call,
  createMonitor,
  expectNoStackTrace,
  expectProblem,
  expectValidation,
  ID_ROUTES,
  monitorBody,
  REQUEST_ID,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const BODY_LIMIT = 8_192;

/** A valid create body of exactly `bytes` bytes of JSON, padded through `http.body`. */
function bodyOfSize(bytes: number): string {
  const base = monitorBody("http", { name: "sized", http: { body: "" } });
  const empty = JSON.stringify(base).length;
  return JSON.stringify({ ...base, http: { body: "x".repeat(bytes - empty) } });
}

describe.each(DB_KINDS)("error contract and request ids on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, API_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  });
  afterAll(async () => up?.close());

  const postRaw = (payload: string, contentType = "application/json") =>
    up.app!.inject({
      method: "POST",
      url: `${API}/monitors`,
      payload,
      headers: { ...authHeaders(up), "content-type": contentType },
    });

  it("every response carries its own x-request-id; a client-sent one is ignored", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const responses = [
      await call(up, "GET", "/healthz"),
      await call(up, "GET", "/readyz"),
      await call(up, "GET", `${API}/monitors`),
      await call(up, "GET", `${API}/monitors/${m.id}`, undefined, { "x-request-id": "req_chosen_by_client" }),
      await call(up, "POST", `${API}/monitors`, monitorBody("tcp")),
      await call(up, "GET", `${API}/monitors/${m.id}/events`),
      await call(up, "DELETE", `${API}/monitors/${m.id}`),
      await call(up, "GET", `${API}/nowhere`),
      await call(up, "POST", `${API}/monitors`, { type: "tcp" }),
      await postRaw("{", "application/json"),
      await call(up, "GET", "/api/openapi.json"),
    ];
    const ids = responses.map((r) => r.headers["x-request-id"]);
    for (const id of ids) expect(id).toMatch(REQUEST_ID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain("req_chosen_by_client");
  });

  it("an unknown route is a 404 problem naming the route", async () => {
    const res = await call(up, "GET", `${API}/widgets?x=1`);
    const problem = expectProblem(res, 404, "NOT_FOUND");
    expect(problem.detail).toBe(`No route GET ${API}/widgets`);
    expect(problem.errors).toEqual([]);
    expectProblem(await call(up, "PUT", `${API}/monitors`, {}), 404, "NOT_FOUND");
    expectProblem(await call(up, "GET", "/"), 404, "NOT_FOUND");
  });

  it("an unknown id gives the same 404 problem on every /monitors/:id/* and /incidents/:id route", async () => {
    const shapes = new Set<string>();
    for (const id of ["mon_doesnotexist", newId("mon"), newId("inc")]) {
      for (const [method, template] of ID_ROUTES) {
        const res = await call(up, method, template.replace(":id", id), method === "PATCH" ? {} : undefined);
        const { requestId: _r, detail, ...shape } = expectProblem(res, 404, "NOT_FOUND");
        expect(detail).toContain(id);
        expect(detail).not.toMatch(/select|from |where/i);
        shapes.add(JSON.stringify(shape));
      }
    }
    expect([...shapes]).toEqual([
      JSON.stringify({
        type: "https://upblit.dev/problems/not-found",
        title: "Not found",
        status: 404,
        code: "NOT_FOUND",
        errors: [],
      }),
    ]);
  });

  it("an id longer than allowed is a 400 on the params", async () => {
    expectValidation(await call(up, "GET", `${API}/monitors/${"m".repeat(41)}`), ["params.id"]);
    expectValidation(await call(up, "GET", `${API}/incidents/${"i".repeat(41)}`), ["params.id"]);
  });

  it("malformed and empty JSON bodies are 400 problems", async () => {
    for (const payload of ["{", '{"name": "a",}', "nul", '{"name": "\\x"}']) {
      const problem = expectProblem(await postRaw(payload), 400, "VALIDATION");
      expect(problem.detail).toBe("The body is not valid JSON");
    }
    expectProblem(await postRaw(""), 400, "VALIDATION");
    expectValidation(await postRaw("[]"), ["body"]);
    expectValidation(await postRaw('"a string"'), ["body"]);
  });

  it("__proto__ and constructor.prototype keys are refused with 400, nothing polluted or stored", async () => {
    const bodies = [
      `{"__proto__": {"polluted": true}, "name": "proto-1", "type": "tcp", "target": "h:1"}`,
      `{"name": "proto-2", "type": "tcp", "target": "h:1", "tags": [], "http": {"__proto__": {"polluted": true}}}`,
      `{"constructor": {"prototype": {"polluted": true}}, "name": "proto-3", "type": "tcp", "target": "h:1"}`,
    ];
    for (const payload of bodies) expectProblem(await postRaw(payload), 400, "VALIDATION");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const list = await call(up, "GET", `${API}/monitors?q=proto-`);
    expect(list.json().items).toEqual([]);
  });

  it.each([
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
    "multipart/form-data; boundary=x",
  ])("a %s body is refused with 415", async (contentType) => {
    const problem = expectProblem(
      await postRaw(JSON.stringify(monitorBody("tcp")), contentType),
      415,
      "VALIDATION",
    );
    expect(problem.detail).toMatch(/application\/json/);
  });

  it("a body over API_BODY_LIMIT_BYTES is refused with 413; one at the limit is accepted", async () => {
    const atLimit = bodyOfSize(BODY_LIMIT);
    expect(Buffer.byteLength(atLimit)).toBe(BODY_LIMIT);
    const ok = await postRaw(atLimit);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(201);

    const over = bodyOfSize(BODY_LIMIT + 1);
    const problem = expectProblem(await postRaw(over), 413, "VALIDATION");
    expect(problem.detail).toMatch(/larger than allowed/);
  });

  it("invalid query parameters are 400 problems naming the parameter", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const base = `${API}/monitors/${m.id}`;
    const one = expectValidation(await call(up, "GET", `${API}/monitors?limit=0`), ["querystring.limit"]);
    expect(one.detail).toBe("1 invalid field in the querystring");
    expectValidation(await call(up, "GET", `${API}/monitors?limit=ten`), ["querystring.limit"]);
    expectValidation(await call(up, "GET", `${base}/results?limit=1001`), ["querystring.limit"]);
    expectValidation(await call(up, "GET", `${base}/results?limit=0`), ["querystring.limit"]);
    expectValidation(await call(up, "GET", `${base}/results?from=yesterday`), ["querystring.from"]);
    expectValidation(await call(up, "GET", `${base}/results?to=2024-13-45`), ["querystring.to"]);
    expectValidation(await call(up, "GET", `${base}/results?status=broken`), ["querystring.status"]);
    expectValidation(await call(up, "GET", `${base}/rollups`), ["querystring.from"]);
    expectValidation(await call(up, "GET", `${base}/rollups?from=2024-01-01&granularity=minute`), [
      "querystring.granularity",
    ]);
    expectValidation(await call(up, "GET", `${base}/events?limit=201`), ["querystring.limit"]);
    expectValidation(await call(up, "GET", `${API}/incidents?status=closed`), ["querystring.status"]);
    expectValidation(await call(up, "GET", `${API}/incidents?limit=-1`), ["querystring.limit"]);
  });

  it("a malformed results cursor is a 400, not a 500", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const res = await call(up, "GET", `${API}/monitors/${m.id}/results?cursor=not-a-cursor`);
    expectNoStackTrace(res.body);
    expectValidation(res, ["querystring.cursor"]);
  });

  it("a URL that cannot be decoded is a 400 problem with a request id", async () => {
    const res = await call(up, "GET", `${API}/monitors/%E0%A4%A`);
    expect(res.headers["x-request-id"]).toMatch(REQUEST_ID);
    expectProblem(res, 400, "VALIDATION");
  });
});
