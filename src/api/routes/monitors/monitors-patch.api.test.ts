import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  getJson,
  type MonitorJson,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

describe.each(DB_KINDS)("PATCH /monitors/:id on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  const patch = (id: string, body: unknown) => call(up, "PATCH", `${API}/monitors/${id}`, body);

  it("replaces top-level fields and leaves the others as they were", async () => {
    const m = await createMonitor(up, monitorBody("http", { tags: ["a"], description: "before" }));
    await new Promise((r) => setTimeout(r, 5));
    const res = await patch(m.id, {
      name: "Renamed",
      intervalSeconds: 120,
      tags: ["b", "c"],
      description: null,
    });
    expect(res.statusCode, res.body).toBe(200);
    const changed = res.json<MonitorJson>();
    const { name: _n, intervalSeconds: _i, tags: _t, description: _d, updatedAt: _u, ...rest } = m;
    expect(changed).toEqual({
      ...rest,
      name: "Renamed",
      intervalSeconds: 120,
      tags: ["b", "c"],
      description: null,
      updatedAt: expect.any(String),
    });
    expect(Date.parse(changed.updatedAt as string)).toBeGreaterThan(Date.parse(m.updatedAt as string));
    expect(await getJson(up, `${API}/monitors/${m.id}`)).toEqual(changed);
  });

  it("an empty patch changes nothing", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const res = await patch(m.id, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ...m, updatedAt: expect.any(String) });
  });

  it("merges the http block one level deep and keeps auth and headers", async () => {
    const m = await createMonitor(
      up,
      monitorBody("http", {
        http: { headers: { "X-Env": "staging" }, auth: { type: "basic", username: "ops", password: "pw" } },
      }),
    );
    const res = await patch(m.id, { http: { method: "HEAD", verifyTls: false } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().http).toEqual({
      method: "HEAD",
      headers: { "X-Env": "staging" },
      followRedirects: true,
      maxRedirects: 5,
      verifyTls: false,
      auth: { type: "basic", username: "ops" },
    });
    // A later patch of another block key still keeps them.
    const again = await patch(m.id, { http: { maxRedirects: 2 } });
    expect(again.json().http).toMatchObject({
      method: "HEAD",
      maxRedirects: 2,
      headers: { "X-Env": "staging" },
      auth: { type: "basic", username: "ops" },
    });
  });

  it("merges keyword and json blocks too", async () => {
    const kw = await createMonitor(up, monitorBody("keyword"));
    const res = await patch(kw.id, { keyword: { mode: "notContains" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().keyword).toEqual({ keyword: "Welcome", mode: "notContains", caseSensitive: false });

    const js = await createMonitor(up, monitorBody("json"));
    const res2 = await patch(js.id, { json: { op: "!=" } });
    expect(res2.statusCode, res2.body).toBe(200);
    expect(res2.json().json).toEqual({ path: "$.status", op: "!=", expected: "ok" });
  });

  it("changes the type http → tcp with a new target and drops the http block", async () => {
    const m = await createMonitor(up, monitorBody("http", { http: { headers: { "X-A": "1" } } }));
    const res = await patch(m.id, { type: "tcp", target: "10.0.0.5:5432" });
    expect(res.statusCode, res.body).toBe(200);
    const changed = res.json<MonitorJson>();
    expect(changed).toMatchObject({ id: m.id, type: "tcp", target: "10.0.0.5:5432", name: m.name });
    expect(changed).not.toHaveProperty("http");
    expect(await getJson(up, `${API}/monitors/${m.id}`)).toEqual(changed);
    expect(
      (await getJson<{ items: MonitorJson[] }>(up, `${API}/monitors?type=tcp`)).items.map((x) => x.id),
    ).toContain(m.id);
  });

  it("changes the type keyword → http and drops the keyword block", async () => {
    const m = await createMonitor(up, monitorBody("keyword"));
    const res = await patch(m.id, { type: "http" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).not.toHaveProperty("keyword");
    expect(res.json().http).toMatchObject({ method: "GET" });
  });

  it("validates the merged monitor as a whole: 400 with every field path, nothing stored", async () => {
    const m = await createMonitor(up, monitorBody("http", { intervalSeconds: 60, timeoutMs: 9_000 }));
    // A lower interval makes the stored (chosen) timeout invalid, though the patch does not mention it.
    expectValidation(await patch(m.id, { intervalSeconds: 5 }), ["body.timeoutMs"]);
    // A type change without a target of the new kind.
    expectValidation(await patch(m.id, { type: "tcp" }), ["body.target"]);
    expectValidation(
      await patch(m.id, { name: "", intervalSeconds: 0, http: { method: "BREW", maxRedirects: 99 } }),
      ["body.name", "body.intervalSeconds", "body.http.method", "body.http.maxRedirects"],
    );
    expectValidation(await patch(m.id, { http: "GET" }), ["body.http"]);
    expect(await getJson(up, `${API}/monitors/${m.id}`)).toEqual(m);
  });

  it("a default timeout follows the interval; a chosen one stays; null returns to the default", async () => {
    const m = await createMonitor(up, monitorBody("tcp", { intervalSeconds: 10 }));
    expect(m).toMatchObject({ intervalSeconds: 10, timeoutMs: 8_000 });
    const longer = await patch(m.id, { intervalSeconds: 60 });
    expect(longer.statusCode, longer.body).toBe(200);
    expect(longer.json()).toMatchObject({ intervalSeconds: 60, timeoutMs: 10_000 });
    const shorter = await patch(m.id, { intervalSeconds: 5 });
    expect(shorter.statusCode, shorter.body).toBe(200);
    expect(shorter.json()).toMatchObject({ intervalSeconds: 5, timeoutMs: 4_000 });

    const chosen = await createMonitor(up, monitorBody("tcp", { intervalSeconds: 10, timeoutMs: 3_000 }));
    const kept = await patch(chosen.id, { intervalSeconds: 60 });
    expect(kept.json()).toMatchObject({ intervalSeconds: 60, timeoutMs: 3_000 });
    const reset = await patch(chosen.id, { timeoutMs: null });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ intervalSeconds: 60, timeoutMs: 10_000 });
    // Both at once: the new interval's default.
    const both = await patch(chosen.id, { intervalSeconds: 2, timeoutMs: null });
    expect(both.json()).toMatchObject({ intervalSeconds: 2, timeoutMs: 1_600 });
    expect(await getJson(up, `${API}/monitors/${chosen.id}`)).toEqual(both.json());
  });

  it("names unknown fields by their path, top-level and inside a block", async () => {
    const m = await createMonitor(up, monitorBody("http"));
    expectValidation(await patch(m.id, { colour: "red" }), ["body.colour"]);
    expectValidation(await patch(m.id, { http: { retries: 3 } }), ["body.http.retries"]);
    // A settings block the monitor's type does not take is an unknown field too.
    expectValidation(await patch(m.id, { json: { path: "$.a" } }), ["body.json"]);
    expect(await getJson(up, `${API}/monitors/${m.id}`)).toEqual(m);
  });

  it("paused: true in a patch pauses the monitor", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const res = await patch(m.id, { paused: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ paused: true, state: "paused" });
  });

  it("refuses a patch body that is not an object", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    expectProblem(await patch(m.id, [1, 2]), 400, "VALIDATION");
  });
});
