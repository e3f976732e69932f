import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { newId } from "../../lib/ids.ts";
import { openIncident, resolveIncident } from "../../storage/repos/incidents.repo.ts";
import { insertResults } from "../../storage/repos/results.repo.ts";
import { API_ONLY, createMonitor, monitorBody } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { createPage, visit } from "../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { refreshRollups } from "../checks/maintain.ts";
import { dailyHistory } from "./history.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Daily bars count like uptimeSummary: daily rollups up to the watermark, raw results after it;
 * incidents count on every UTC day they were open. The page's tooltips show the same numbers.
 */
describe.each(DB_KINDS)("status page history on %s", (kind) => {
  let up: TestUpblit;
  let monitorId: string;
  let quiet: string;
  const today = Math.floor(Date.now() / DAY) * DAY;

  const result = (at: number, status: CheckResult["status"]): CheckResult => ({
    monitorId,
    organizationId: up.organizationId,
    region: "local",
    slotAt: at,
    startedAt: at,
    manual: false,
    status,
    timings: { total: 12 },
    verdicts: [],
  });

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    monitorId = (await createMonitor(up, monitorBody("http"))).id;
    quiet = (await createMonitor(up, monitorBody("tcp"))).id;
    // Both have existed for weeks (the results below are from before today).
    await up.rt.db
      .updateTable("monitors")
      .set({ created_at: new Date(today - 40 * DAY) })
      .where("id", "in", [monitorId, quiet])
      .execute();
    const threeDaysAgo = today - 3 * DAY + 10 * HOUR;
    await up.rt.db
      .transaction()
      .execute((tx) =>
        insertResults(
          tx,
          [
            result(threeDaysAgo, "up"),
            result(threeDaysAgo + 60_000, "up"),
            result(threeDaysAgo + 120_000, "down"),
            result(threeDaysAgo + 180_000, "unknown"),
            result(today - DAY + HOUR, "degraded"),
          ],
          Date.now(),
        ),
      );
    // Summarise everything up to now into rollups (the watermark moves), then add a raw result.
    await refreshRollups(up.rt);
    await up.rt.db.transaction().execute((tx) => insertResults(tx, [result(Date.now(), "down")], Date.now()));
    const incident = newId("inc");
    await openIncident(up.rt.db, {
      id: incident,
      organizationId: up.organizationId,
      monitorId,
      cause: "fixture",
      at: new Date(threeDaysAgo + 120_000),
    });
    await resolveIncident(up.rt.db, monitorId, new Date(today - 2 * DAY + 2 * HOUR));
  });
  afterAll(async () => up?.close());

  it("counts days from rollups and the raw tail, and incidents on each day they were open", async () => {
    const bars = await dailyHistory(up.rt.db, up.organizationId, [monitorId, quiet], 30, Date.now());
    const days = bars.get(monitorId)!;
    expect(days).toHaveLength(30);
    expect(days.at(-1)!.day.getTime()).toBe(today);
    const byAge = (age: number) => days[days.length - 1 - age]!;
    expect(byAge(3)).toMatchObject({ checks: 4, up: 2, down: 1, degraded: 0, incidents: 1 });
    expect(byAge(3).uptime).toBeCloseTo(2 / 3, 10);
    expect(byAge(2)).toMatchObject({ checks: 0, uptime: null, incidents: 1 });
    expect(byAge(1)).toMatchObject({ checks: 1, degraded: 1, uptime: 1, incidents: 0 });
    expect(byAge(0)).toMatchObject({ down: 1, uptime: 0, incidents: 0 });
    expect(byAge(4)).toMatchObject({ checks: 0, uptime: null, incidents: 0 });
    expect(bars.get(quiet)!.every((d) => d.checks === 0 && d.incidents === 0)).toBe(true);
  });

  it("shows the same numbers in the page's bars and tooltips", async () => {
    const page = await createPage(up, {
      historyDays: 30,
      groups: [{ name: "G", components: [{ monitorId, displayName: "API" }] }],
    });
    const body = (await visit(up, `/status/${page.slug}`)).body;
    const tips = [...body.matchAll(/<li class="(\w)"><span class="tip">([^<]*)<\/span><\/li>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(tips).toHaveLength(30);
    expect(tips[26]).toEqual(["o", expect.stringMatching(/: 66\.66% uptime, 1 incident$/)]);
    expect(tips[27]).toEqual(["n", expect.stringMatching(/: no data, 1 incident$/)]);
    expect(tips[28]).toEqual(["u", expect.stringMatching(/: 100% uptime, no incidents$/)]);
    expect(tips[29]).toEqual(["o", expect.stringMatching(/: 0% uptime, no incidents$/)]);
    // 2 up + 1 degraded of 5 judged checks over 30 days.
    expect(body).toContain("60% uptime over the last 30 days");
  });

  it("counts only the monitor's own time: days before it existed are no data, not downtime", async () => {
    const fresh = (await createMonitor(up, monitorBody("http"))).id;
    const now = Date.now();
    // A result dated before the monitor existed (e.g. restored from elsewhere) is not its data.
    await up.rt.db.transaction().execute((tx) =>
      insertResults(
        tx,
        [
          { ...result(now - 3 * DAY, "down"), monitorId: fresh },
          { ...result(now, "up"), monitorId: fresh },
        ],
        now,
      ),
    );
    const bars = (await dailyHistory(up.rt.db, up.organizationId, [fresh], 90, now)).get(fresh)!;
    expect(bars).toHaveLength(90);
    expect(bars.slice(0, -1).every((d) => !d.monitored && d.checks === 0 && d.uptime === null)).toBe(true);
    expect(bars.at(-1)).toMatchObject({ monitored: true, checks: 1, up: 1, uptime: 1 });

    const page = await createPage(up, {
      historyDays: 90,
      groups: [{ name: "G", components: [{ monitorId: fresh, displayName: "New" }] }],
    });
    const body = (await visit(up, `/status/${page.slug}`)).body;
    expect(body).not.toContain("50% uptime");
    expect(body).toMatch(/100% uptime since \d{1,2} \w+ \d{4}</);
    const tips = [...body.matchAll(/<li class="(\w)"><span class="tip">([^<]*)<\/span><\/li>/g)];
    expect(tips).toHaveLength(90);
    expect(
      tips.slice(0, -1).every((m) => m[1] === "n" && m[2]!.endsWith(": no data, not monitored yet")),
    ).toBe(true);
    expect(tips.at(-1)![1]).toBe("u");
    const badge = await visit(up, `/badge/${fresh}/uptime-30d.svg`);
    expect(badge.body).toContain("<title>uptime 30d: 100%</title>");
  });
});
