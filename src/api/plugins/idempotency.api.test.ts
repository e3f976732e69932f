import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  API_ONLY,
  authHeaders,
  call,
  expectProblem,
  getJson,
  type MonitorJson,
  monitorBody,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

describe.each(DB_KINDS)("Idempotency-Key on POST /monitors on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  const post = (body: unknown, key?: string) =>
    call(up, "POST", `${API}/monitors`, body, key === undefined ? {} : { "idempotency-key": key });
  const named = async (q: string) =>
    (await getJson<{ items: MonitorJson[] }>(up, `${API}/monitors?q=${q}`)).items;

  it("the same key and body replay the first response; only one monitor exists", async () => {
    const body = monitorBody("tcp", { name: "idem-same" });
    const first = await post(body, "key-same-1");
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();

    const second = await post(body, "key-same-1");
    expect(second.statusCode, second.body).toBe(201);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(second.headers["content-type"]).toMatch(/^application\/json/);
    expect(second.json()).toEqual(first.json());
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);

    const third = await post(body, "key-same-1");
    expect(third.json().id).toBe(first.json().id);
    expect((await named("idem-same")).map((m) => m.id)).toEqual([first.json().id]);
  });

  it("a replay carries the Location header of the first response", async () => {
    const body = monitorBody("tcp", { name: "idem-location" });
    const first = await post(body, "key-location");
    const second = await post(body, "key-location");
    expect(first.headers.location).toBe(`${API}/monitors/${first.json().id}`);
    expect(second.headers.location).toBe(first.headers.location);
  });

  it("the same key with another body is refused with 422 and creates nothing", async () => {
    const first = await post(monitorBody("tcp", { name: "idem-a" }), "key-mismatch");
    expect(first.statusCode).toBe(201);
    const problem = expectProblem(
      await post(monitorBody("tcp", { name: "idem-b" }), "key-mismatch"),
      422,
      "PRECONDITION_FAILED",
    );
    expect(problem.errors).toEqual([{ path: "headers.idempotency-key", message: expect.any(String) }]);
    expect(await named("idem-b")).toEqual([]);
    // The first request is still replayable.
    const replay = await post(monitorBody("tcp", { name: "idem-a" }), "key-mismatch");
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(first.json().id);
  });

  it("the same key on another POST route is refused with 422", async () => {
    const first = await post(monitorBody("tcp", { name: "idem-route" }), "key-route");
    const id = first.json().id;
    expectProblem(
      await call(up, "POST", `${API}/monitors/${id}/pause`, undefined, { "idempotency-key": "key-route" }),
      422,
      "PRECONDITION_FAILED",
    );
    expect((await getJson<MonitorJson>(up, `${API}/monitors/${id}`)).paused).toBe(false);
  });

  it("concurrent requests with one key create one monitor (others replay or get 409)", async () => {
    const body = monitorBody("tcp", { name: "idem-race" });
    const all = await Promise.all(Array.from({ length: 5 }, () => post(body, "key-race")));
    const created = await named("idem-race");
    expect(created).toHaveLength(1);
    for (const res of all) {
      if (res.statusCode === 409) expectProblem(res, 409, "CONFLICT");
      else {
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().id).toBe(created[0]!.id);
      }
    }
    expect(all.filter((r) => r.statusCode === 201 && !r.headers["idempotent-replayed"])).toHaveLength(1);
  });

  it("different keys create different monitors", async () => {
    const body = monitorBody("tcp", { name: "idem-diff" });
    const a = await post(body, "key-diff-a");
    const b = await post(body, "key-diff-b");
    const c = await post(body);
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([201, 201, 201]);
    expect(b.headers["idempotent-replayed"]).toBeUndefined();
    const ids = new Set([a.json().id, b.json().id, c.json().id]);
    expect(ids.size).toBe(3);
    expect((await named("idem-diff")).length).toBe(3);
  });

  it("keys are case-sensitive", async () => {
    const body = monitorBody("tcp", { name: "idem-case" });
    const a = await post(body, "Key-Case");
    const b = await post(body, "key-case");
    expect(b.headers["idempotent-replayed"]).toBeUndefined();
    expect(b.json().id).not.toBe(a.json().id);
  });

  it("a request refused by validation does not use up the key", async () => {
    const bad = await post(monitorBody("tcp", { name: "idem-valid", intervalSeconds: 0 }), "key-valid");
    expectProblem(bad, 400, "VALIDATION");
    const good = await post(monitorBody("tcp", { name: "idem-valid" }), "key-valid");
    expect(good.statusCode, good.body).toBe(201);
    expect(good.headers["idempotent-replayed"]).toBeUndefined();
  });

  it.each([
    ["non-ASCII", "clé-ü"],
    ["256 characters", "k".repeat(256)],
    ["a space", "two words"],
    ["empty", ""],
  ])("a key with %s is refused with 400 and creates nothing", async (_case, key) => {
    const name = `idem-bad-${Math.random().toString(36).slice(2, 8)}`;
    const res = await up.app!.inject({
      method: "POST",
      url: `${API}/monitors`,
      payload: monitorBody("tcp", { name }),
      headers: { ...authHeaders(up), "idempotency-key": key },
    });
    const problem = expectProblem(res, 400, "VALIDATION");
    expect(problem.errors.map((e) => e.path)).toEqual(["headers.idempotency-key"]);
    expect(await named(name)).toEqual([]);
  });

  it("a key of exactly 255 printable characters is accepted", async () => {
    const res = await post(monitorBody("tcp", { name: "idem-255" }), `${"k".repeat(254)}~`);
    expect(res.statusCode, res.body).toBe(201);
  });
});
