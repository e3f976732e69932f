import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshRollups } from "../../services/checks/maintain.ts";
import {
  API,
  call,
  checkNowAndWait,
  createMonitor,
  expectProblem,
  getJson,
  type MonitorJson,
  monitorBody,
  type ResultJson,
  startTarget,
  type TargetServer,
  waitFor,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// A daily interval: scheduled checks (almost) never run during the test, so every result
// comes from "check now" and the counts below are exact.
const DAILY = { intervalSeconds: 86_400 };

describe.each(DB_KINDS)("results, check-now and uptime on %s", (kind) => {
  let up: TestUpblit;
  let target: TargetServer;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
    target = await startTarget(200);
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  const results = (id: string, query = "") =>
    getJson<Page<ResultJson>>(up, `${API}/monitors/${id}/results${query ? `?${query}` : ""}`);
  const manualCount = async (id: string) => (await results(id)).items.filter((r) => r.manual).length;

  const checkNow = (id: string) => checkNowAndWait(up, id);

  it("check-now answers 202 and a manual result with timings and verdicts appears", async () => {
    const m = await createMonitor(
      up,
      monitorBody("http", { name: "check-now", target: target.url, ...DAILY }),
    );
    const before = target.hits();
    const r = await checkNow(m.id);
    expect(target.hits()).toBe(before + 1);
    expect(r).toMatchObject({
      monitorId: m.id,
      region: "local",
      manual: true,
      status: "up",
      statusCode: 200,
      error: null,
    });
    expect(r.timings.total).toBeGreaterThanOrEqual(0);
    expect(r.timings.connect).not.toBeNull();
    expect(r.verdicts).toEqual([
      { assertion: "status >= 200", ok: true, severity: "hard", actual: 200 },
      { assertion: "status < 400", ok: true, severity: "hard", actual: 200 },
    ]);
    const after = await waitFor(
      () => getJson<MonitorJson>(up, `${API}/monitors/${m.id}`),
      (x) => x.state === "up",
    );
    expect(after.lastStatus).toBe("up");
    expect(after.lastCheckedAt).not.toBeNull();
  });

  it("a patch of the http block keeps the stored credentials: the probe still sends them", async () => {
    const m = await createMonitor(
      up,
      monitorBody("http", {
        target: target.url,
        ...DAILY,
        http: { auth: { type: "bearer", token: "tok-kept" } },
      }),
    );
    const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
      http: { headers: { "X-Trace": "t1" } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await checkNow(m.id);
    expect(target.lastHeaders().authorization).toBe("Bearer tok-kept");
    expect(target.lastHeaders()["x-trace"]).toBe("t1");
  });

  it("failuresBeforeDown=2: one failure keeps the monitor up, the second takes it down", async () => {
    const flaky = await startTarget(200);
    try {
      const m = await createMonitor(
        up,
        monitorBody("http", { name: "two-strikes", target: flaky.url, failuresBeforeDown: 2, ...DAILY }),
      );
      expect((await checkNow(m.id)).status).toBe("up");
      await waitFor(
        async () => (await getJson<MonitorJson>(up, `${API}/monitors/${m.id}`)).state,
        (s) => s === "up",
      );

      flaky.setStatus(500);
      const first = await checkNow(m.id);
      expect(first.status).toBe("down");
      expect(first.verdicts.find((v) => !v.ok)).toEqual({
        assertion: "status < 400",
        ok: false,
        severity: "hard",
        actual: 500,
      });
      const afterOne = await getJson<MonitorJson>(up, `${API}/monitors/${m.id}`);
      expect(afterOne.state).toBe("up");
      expect(afterOne.lastStatus).toBe("down");
      const none = await getJson<Page<unknown>>(up, `${API}/incidents?status=open&monitorId=${m.id}`);
      expect(none.items).toEqual([]);

      await checkNow(m.id);
      await waitFor(
        async () => (await getJson<MonitorJson>(up, `${API}/monitors/${m.id}`)).state,
        (s) => s === "down",
      );
      const open = await getJson<Page<{ cause: string }>>(
        up,
        `${API}/incidents?status=open&monitorId=${m.id}`,
      );
      expect(open.items).toHaveLength(1);
      const events = await getJson<Page<{ from: string; to: string }>>(up, `${API}/monitors/${m.id}/events`);
      expect(events.items.map((e) => `${e.from}→${e.to}`)).toEqual(["up→down", "pending→up"]);

      // Uptime counts results at once: the open hour is read raw until it is summarised.
      await up.evaluator!.flush();
      await refreshRollups(up.rt);
      const uptime = await getJson(up, `${API}/monitors/${m.id}/uptime`);
      const counts = { checks: 3, up: 1, degraded: 0, down: 2, uptime: 1 / 3 };
      expect(uptime).toEqual({
        monitorId: m.id,
        windows: ["24h", "7d", "30d", "90d"].map((window) => ({ window, ...counts })),
      });
      // Rollups list closed hours only; this hour is still open.
      const rollups = await getJson<{ items: unknown[] }>(
        up,
        `${API}/monitors/${m.id}/rollups?granularity=hour&from=${new Date(Date.now() - 3_600_000).toISOString()}`,
      );
      expect(rollups.items).toEqual([]);
    } finally {
      await flaky.close();
    }
  });

  describe("listing results", () => {
    let m: MonitorJson;
    let slots: string[];
    beforeAll(async () => {
      m = await createMonitor(
        up,
        monitorBody("http", { name: "paged results", target: target.url, ...DAILY }),
      );
      slots = [];
      for (let i = 0; i < 5; i++) slots.push((await checkNow(m.id)).slotAt);
      slots.sort();
    });

    it("newest first, paged with a cursor: limit 2 → 3 pages, no duplicates", async () => {
      expect(await manualCount(m.id)).toBe(5);
      const pages: Page<ResultJson>[] = [];
      let cursor: string | null = null;
      do {
        const qs: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const page: Page<ResultJson> = await results(m.id, `limit=2${qs}`);
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
      expect(pages.at(-1)!.nextCursor).toBeNull();
      const seen = pages.flatMap((p) => p.items.map((r) => r.slotAt));
      expect(seen).toEqual([...slots].reverse());
      for (const r of pages.flatMap((p) => p.items)) {
        expect(typeof r.timings.total).toBe("number");
        expect(r.verdicts.length).toBeGreaterThan(0);
      }
    });

    it("filters by from (inclusive), to (exclusive) and status", async () => {
      const window = await results(m.id, `from=${slots[1]}&to=${slots[3]}`);
      expect(window.items.map((r) => r.slotAt)).toEqual([slots[2], slots[1]]);
      expect((await results(m.id, `from=${slots[4]}`)).items.map((r) => r.slotAt)).toEqual([slots[4]]);
      expect((await results(m.id, `to=${slots[0]}`)).items).toEqual([]);
      expect((await results(m.id, "status=up")).items).toHaveLength(5);
      expect((await results(m.id, "status=down")).items).toEqual([]);
      const paged = await results(m.id, `from=${slots[1]}&limit=3`);
      expect(paged.items.map((r) => r.slotAt)).toEqual([slots[4], slots[3], slots[2]]);
      const rest = await results(
        m.id,
        `from=${slots[1]}&limit=3&cursor=${encodeURIComponent(paged.nextCursor!)}`,
      );
      expect(rest.items.map((r) => r.slotAt)).toEqual([slots[1]]);
      expect(rest.nextCursor).toBeNull();
    });

    it("a deleted monitor's results are gone with it", async () => {
      const other = await createMonitor(up, monitorBody("http", { target: target.url, ...DAILY }));
      await checkNow(other.id);
      expect((await call(up, "DELETE", `${API}/monitors/${other.id}`)).statusCode).toBe(204);
      expectProblem(await call(up, "GET", `${API}/monitors/${other.id}/results`), 404, "NOT_FOUND");
      expectProblem(await call(up, "POST", `${API}/monitors/${other.id}/check`), 404, "NOT_FOUND");
    });
  });
});
