import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  getJson,
  type MonitorJson,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const COMMON_DEFAULTS = {
  intervalSeconds: 60,
  timeoutMs: 10_000,
  regions: ["local"],
  assertions: [],
  failuresBeforeDown: 1,
  successesBeforeUp: 1,
  tags: [],
  description: null,
  runbookUrl: null,
  paused: false,
  parents: [],
  certExpiryDays: null,
  quorum: null,
  state: "pending",
  lastCheckedAt: null,
  lastStatus: null,
};
const HTTP_DEFAULTS = { method: "GET", headers: {}, followRedirects: true, maxRedirects: 5, verifyTls: true };

const TYPE_DEFAULTS: Record<string, Record<string, unknown>> = {
  http: { http: HTTP_DEFAULTS },
  keyword: { http: HTTP_DEFAULTS, keyword: { keyword: "Welcome", mode: "contains", caseSensitive: false } },
  json: { http: HTTP_DEFAULTS, json: { path: "$.status", op: "==", expected: "ok" } },
  tcp: {},
  dns: { dns: { recordType: "A" } },
  tls: {},
};

interface Page {
  items: MonitorJson[];
  nextCursor: string | null;
}

describe.each(DB_KINDS)("monitors CRUD on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  it.each(Object.keys(TYPE_DEFAULTS))(
    "creates a %s monitor: 201, Location, defaults applied",
    async (type) => {
      const body = monitorBody(type);
      const res = await call(up, "POST", `${API}/monitors`, body);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const created = res.json<MonitorJson>();
      expect(created.id).toMatch(/^mon_[0-9a-z]{26}$/);
      expect(res.headers.location).toBe(`${API}/monitors/${created.id}`);
      expect(created).toEqual({
        ...COMMON_DEFAULTS,
        ...TYPE_DEFAULTS[type],
        id: created.id,
        name: body.name,
        type,
        target: body.target,
        stateSince: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(Date.parse(created.createdAt as string)).not.toBeNaN();
      expect(created.updatedAt).toBe(created.createdAt);

      // What Location points at is what was returned.
      const fetched = await getJson(up, res.headers.location as string);
      expect(fetched).toEqual(created);
    },
  );

  it("keeps every given field instead of the defaults", async () => {
    // A second region must be declared first (docs/regions.md).
    expect((await call(up, "POST", `${API}/regions`, { name: "eu-west" })).statusCode).toBe(201);
    const body = monitorBody("http", {
      name: "  Checkout API  ",
      intervalSeconds: 30,
      timeoutMs: 5_000,
      regions: ["local", "eu-west"],
      assertions: [{ subject: "status", op: "in", value: [200, 204] }],
      failuresBeforeDown: 3,
      successesBeforeUp: 2,
      tags: ["prod", "payments"],
      description: "The checkout endpoint",
      runbookUrl: "https://wiki.example.com/runbooks/checkout",
      http: {
        method: "POST",
        body: '{"ping":true}',
        followRedirects: false,
        maxRedirects: 0,
        verifyTls: false,
      },
    });
    const m = await createMonitor(up, body);
    expect(m).toMatchObject({
      name: "Checkout API",
      intervalSeconds: 30,
      timeoutMs: 5_000,
      regions: ["local", "eu-west"],
      assertions: [{ subject: "status", op: "in", value: [200, 204], severity: "hard" }],
      failuresBeforeDown: 3,
      successesBeforeUp: 2,
      tags: ["prod", "payments"],
      description: "The checkout endpoint",
      runbookUrl: "https://wiki.example.com/runbooks/checkout",
      http: {
        method: "POST",
        headers: {},
        body: '{"ping":true}',
        followRedirects: false,
        maxRedirects: 0,
        verifyTls: false,
      },
    });
  });

  it("check-now without a probe in this process answers 503 instead of queueing a check nobody runs", async () => {
    const m = await createMonitor(up, monitorBody("tcp"));
    const res = await call(up, "POST", `${API}/monitors/${m.id}/check`);
    expect(expectProblem(res, 503, "UNAVAILABLE").detail).toContain("No probe runs");
  });

  it("creates a paused monitor in state paused", async () => {
    const m = await createMonitor(up, monitorBody("tcp", { paused: true }));
    expect(m.paused).toBe(true);
    expect(m.state).toBe("paused");
  });

  it("deletes: 204 with no body, then 404 on every read and on a second delete", async () => {
    const m = await createMonitor(up, monitorBody("tcp", { name: "to delete" }));
    const del = await call(up, "DELETE", `${API}/monitors/${m.id}`);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe("");
    expectProblem(await call(up, "GET", `${API}/monitors/${m.id}`), 404, "NOT_FOUND");
    expectProblem(await call(up, "GET", `${API}/monitors/${m.id}/events`), 404, "NOT_FOUND");
    expectProblem(await call(up, "DELETE", `${API}/monitors/${m.id}`), 404, "NOT_FOUND");
    const list = await getJson<Page>(up, `${API}/monitors?q=to%20delete`);
    expect(list.items).toEqual([]);
  });

  it("pauses (state paused) and resumes (state pending), recording both transitions", async () => {
    const m = await createMonitor(up, monitorBody("tcp", { name: "pausable" }));
    const paused = await call(up, "POST", `${API}/monitors/${m.id}/pause`);
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ id: m.id, paused: true, state: "paused" });
    expect((await getJson<MonitorJson>(up, `${API}/monitors/${m.id}`)).state).toBe("paused");

    // Pausing again changes nothing and is not an error.
    const again = await call(up, "POST", `${API}/monitors/${m.id}/pause`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ paused: true, state: "paused" });

    const resumed = await call(up, "POST", `${API}/monitors/${m.id}/resume`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({ id: m.id, paused: false, state: "pending" });

    const events = await getJson<{ items: Array<Record<string, unknown>> }>(
      up,
      `${API}/monitors/${m.id}/events`,
    );
    expect(events.items.map((e) => [e.from, e.to, e.reason])).toEqual([
      ["paused", "pending", "resumed"],
      ["pending", "paused", "paused"],
    ]);
  });

  describe("list", () => {
    let web: MonitorJson;
    let db: MonitorJson;
    let dns: MonitorJson;
    let pct: MonitorJson;
    beforeAll(async () => {
      web = await createMonitor(up, monitorBody("http", { name: "Filter Web", tags: ["flt", "flt-web"] }));
      db = await createMonitor(up, monitorBody("tcp", { name: "Filter DB", tags: ["flt", "db"] }));
      dns = await createMonitor(up, monitorBody("dns", { name: "Filter DNS", tags: ["flt"], paused: true }));
      pct = await createMonitor(up, monitorBody("tcp", { name: "Filter 50% load", tags: ["flt"] }));
      await createMonitor(up, monitorBody("tcp", { name: "Filter 500 load", tags: ["flt"] }));
    });
    // Scoped to the tag "flt" so monitors of other tests do not interfere.
    const ids = async (query: string) =>
      (await getJson<Page>(up, `${API}/monitors?${query.includes("tag=") ? "" : "tag=flt&"}${query}`)).items
        .map((m) => m.id)
        .sort();

    it("filters by type, state, tag and name (q, case-insensitive, wildcards literal)", async () => {
      expect(await ids("type=http")).toEqual([web.id]);
      expect(await ids("type=dns")).toEqual([dns.id]);
      expect(await ids("state=paused")).toEqual([dns.id]);
      expect(await ids("tag=flt-web")).toEqual([web.id]);
      expect(await ids("tag=flt-none")).toEqual([]);
      expect(await ids("q=filter%20d")).toEqual([db.id, dns.id].sort());
      expect(await ids("q=50%25")).toEqual([pct.id]);
      expect(await ids("q=_")).toEqual([]);
      expect(await ids("type=tcp&q=db")).toEqual([db.id]);
      expect(await ids("type=tls")).toEqual([]);
      const all = await getJson<Page>(up, `${API}/monitors?tag=flt`);
      expect(all.items).toHaveLength(5);
      expect(all.nextCursor).toBeNull();
    });

    it("pages with a cursor: 5 monitors, limit 2 → 3 pages, no duplicates, newest id first", async () => {
      const created: string[] = [];
      for (let i = 1; i <= 5; i++)
        created.push((await createMonitor(up, monitorBody("tcp", { name: `Pager ${i}` }))).id);
      const pages: Page[] = [];
      let cursor: string | null = null;
      do {
        const qs: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const page: Page = await getJson<Page>(up, `${API}/monitors?q=pager&limit=2${qs}`);
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
      expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
      const seen = pages.flatMap((p) => p.items.map((m) => m.id));
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...created].sort());
      expect(seen).toEqual([...seen].sort().reverse());
    });

    it("refuses limit=0, limit above the maximum and unknown filters with 400", async () => {
      const { errors } = expectProblem(await call(up, "GET", `${API}/monitors?limit=0`), 400, "VALIDATION");
      expect(errors.map((e) => e.path)).toEqual(["querystring.limit"]);
      expectProblem(await call(up, "GET", `${API}/monitors?limit=201`), 400, "VALIDATION");
      expectProblem(await call(up, "GET", `${API}/monitors?type=smtp`), 400, "VALIDATION");
      expectProblem(await call(up, "GET", `${API}/monitors?state=sleeping`), 400, "VALIDATION");
    });
  });
});
