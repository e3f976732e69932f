import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../../../domain/check-result.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { applyRetention, refreshRollups } from "../../../services/checks/maintain.ts";
import { recordResults } from "../../../services/checks/record-results.ts";
import { otherOrganization } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { createPage, type PageJson } from "../../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

interface ComponentJson {
  monitorId: string;
  name: string;
  group: string;
  uptimePercent: number | null;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  downMinutes: number;
  incidents: number;
  maintenanceMinutes: number;
}
interface ReportJson {
  pageId: string;
  period: string;
  from: string;
  until: string;
  components: ComponentJson[];
}

/**
 * SLA reports from fixtures with known figures: results recorded through the evaluator's service
 * (which also opens and resolves incidents), maintenance through the API, rollups and retention
 * through the maintenance jobs' services.
 */
describe.each(DB_KINDS)("status page SLA reports on %s", (kind) => {
  const clock = new ManualClock(at("2026-09-30T00:00:00Z"));
  let up: TestUpblit;
  let page: PageJson;
  const ids = { a: "", b: "", c: "" };

  /** Records one result at `iso` (the clock moves there, as when the evaluator records it live). */
  async function result(monitorId: string, iso: string, status: ResultStatus): Promise<void> {
    clock.set(at(iso));
    const r: CheckResult = {
      monitorId,
      organizationId: up.organizationId,
      region: up.rt.region,
      slotAt: at(iso),
      startedAt: at(iso),
      manual: false,
      status,
      statusCode: status === "down" ? 503 : 200,
      timings: { total: 20 },
      verdicts:
        status === "down" ? [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 503 }] : [],
    };
    await recordResults(up.rt, [r]);
  }

  async function report(period: string, format = "json") {
    return call(up, "GET", `${API}/status-pages/${page.id}/reports?period=${period}&format=${format}`);
  }

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, { clock });
    const thresholds = { failuresBeforeDown: 1, successesBeforeUp: 1 };
    ids.a = (await createMonitor(up, monitorBody("http", { name: "a", ...thresholds }))).id;
    ids.b = (await createMonitor(up, monitorBody("http", { name: "b", ...thresholds }))).id;
    ids.c = (await createMonitor(up, monitorBody("http", { name: "c", ...thresholds }))).id;
    page = await createPage(up, {
      title: "Reports",
      groups: [
        {
          name: "Core",
          components: [
            { monitorId: ids.a, displayName: "Website" },
            { monitorId: ids.b, displayName: 'API, "v2"' },
          ],
        },
        { name: "Extras", components: [{ monitorId: ids.c, displayName: "=Docs" }] },
      ],
    });
    for (const [startsAt, endsAt] of [
      ["2026-10-06T02:00:00Z", "2026-10-06T03:00:00Z"],
      ["2026-10-07T03:30:00Z", "2026-10-07T04:00:00Z"],
    ]) {
      const res = await call(up, "POST", `${API}/maintenance-windows`, {
        title: "Upgrade",
        monitorIds: [ids.a],
        schedule: { type: "once", startsAt, endsAt },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // A: ten checks at 10:00–10:45 (one down: a 5-minute incident, one degraded)…
    const hour10: ResultStatus[] = ["up", "up", "up", "up", "down", "up", "degraded", "up", "up", "up"];
    for (const [i, status] of hour10.entries()) {
      await result(ids.a, new Date(at("2026-10-05T10:00:00Z") + i * 5 * MIN).toISOString(), status);
    }
    // …six down checks inside the first maintenance, none counted…
    for (let i = 0; i < 6; i++) {
      await result(ids.a, new Date(at("2026-10-06T02:00:00Z") + i * 5 * MIN).toISOString(), "down");
    }
    // …and an hour that is half maintenance: three up before it, two down inside.
    for (const [time, status] of [
      ["03:00", "up"],
      ["03:10", "up"],
      ["03:20", "up"],
      ["03:40", "down"],
      ["03:50", "down"],
    ] as const) {
      await result(ids.a, `2026-10-07T${time}:00Z`, status);
    }
    // B: a 30-minute incident, then one that starts in October and ends in November.
    await result(ids.b, "2026-10-10T12:00:00Z", "down");
    await result(ids.b, "2026-10-10T12:30:00Z", "up");
    await result(ids.b, "2026-10-31T23:50:00Z", "down");
    await result(ids.b, "2026-11-01T00:20:00Z", "up");
    clock.set(at("2026-11-15T00:00:00Z"));
  });
  afterAll(async () => up?.close());

  it("reports a month from raw results, maintenance left out", async () => {
    const res = await report("2026-10");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<ReportJson>();
    expect(body).toMatchObject({
      pageId: page.id,
      period: "2026-10",
      from: "2026-10-01T00:00:00.000Z",
      until: "2026-11-01T00:00:00.000Z",
    });
    expect(body.components).toEqual([
      {
        monitorId: ids.a,
        name: "Website",
        group: "Core",
        uptimePercent: 92.3077,
        checks: 13,
        up: 11,
        degraded: 1,
        down: 1,
        downMinutes: 5,
        incidents: 1,
        maintenanceMinutes: 90,
      },
      {
        monitorId: ids.b,
        name: 'API, "v2"',
        group: "Core",
        uptimePercent: 33.3333,
        checks: 3,
        up: 1,
        degraded: 0,
        down: 2,
        downMinutes: 40,
        incidents: 2,
        maintenanceMinutes: 0,
      },
      {
        monitorId: ids.c,
        name: "=Docs",
        group: "Extras",
        uptimePercent: null,
        checks: 0,
        up: 0,
        degraded: 0,
        down: 0,
        downMinutes: 0,
        incidents: 0,
        maintenanceMinutes: 0,
      },
    ]);
  });

  it("reports a year up to now, with the incident that crossed into November", async () => {
    const res = await report("2026");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<ReportJson>();
    expect(body.until).toBe("2026-11-15T00:00:00.000Z");
    const b = body.components.find((c) => c.monitorId === ids.b);
    expect(b).toMatchObject({ checks: 4, up: 2, down: 2, uptimePercent: 50, downMinutes: 60, incidents: 2 });
    const a = body.components.find((c) => c.monitorId === ids.a);
    expect(a).toMatchObject({ checks: 13, uptimePercent: 92.3077, maintenanceMinutes: 90 });
  });

  it("exports CSV that a CSV parser reads back to the same figures", async () => {
    const res = await report("2026-10", "csv");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe('attachment; filename="status-report-2026-10.csv"');
    const rows = parse(res.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      component: "Website",
      group: "Core",
      monitor_id: ids.a,
      uptime_percent: "92.3077",
      checks: "13",
      up: "11",
      degraded: "1",
      down: "1",
      down_minutes: "5",
      incidents: "1",
      maintenance_minutes: "90",
    });
    expect(rows[1]?.component).toBe('API, "v2"');
    // A name a spreadsheet would run as a formula is defused; no data is an empty cell.
    expect(rows[2]).toMatchObject({ component: "'=Docs", uptime_percent: "" });
  });

  it("uses hourly rollups once raw results are gone, leaving out hours that touch maintenance", async () => {
    await refreshRollups(up.rt);
    const before = (await report("2026-10")).json<ReportJson>();
    expect(before.components.find((c) => c.monitorId === ids.a)?.checks).toBe(13);
    await applyRetention(up.rt, { rawDays: 20, rollupDays: 400 });
    const after = (await report("2026-10")).json<ReportJson>();
    // 10:00–11:00 on the 5th comes from its rollup; the half-maintenance hour can no longer be split.
    expect(after.components.find((c) => c.monitorId === ids.a)).toMatchObject({
      checks: 10,
      up: 8,
      degraded: 1,
      down: 1,
      uptimePercent: 90,
    });
    expect(after.components.find((c) => c.monitorId === ids.b)).toMatchObject({ checks: 3, up: 1, down: 2 });
  });

  it("refuses a malformed or future period and another organization's page", async () => {
    for (const period of ["2026-13", "26", "2026-1", "2026-10-01"]) {
      expectValidation(await report(period), ["querystring.period"]);
    }
    expectValidation(await report("2027"), ["querystring.period"]);
    const bad = await call(up, "GET", `${API}/status-pages/${page.id}/reports?period=2026&format=xml`);
    expectValidation(bad, ["querystring.format"]);
    const other = await otherOrganization(up);
    const res = await call(
      up,
      "GET",
      `${API}/status-pages/${page.id}/reports?period=2026`,
      undefined,
      other.headers,
    );
    expectProblem(res, 404, "NOT_FOUND");
  });
});
