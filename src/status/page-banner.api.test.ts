import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const HOUR = 3_600_000;

/**
 * The banner (HTML, status.json, summary.json) agrees with the page's active published incidents
 * and ongoing maintenance, not only with the components' states.
 */
describe.each(DB_KINDS)("status page banner on %s", (kind) => {
  let up: TestUpblit;
  let monitorId: string;

  const pageWith = async (): Promise<PageJson> =>
    createPage(up, { groups: [{ name: "G", components: [{ monitorId, displayName: "Website" }] }] });
  const post = async (page: PageJson, body: Record<string, unknown>) => {
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>();
  };
  const banner = async (page: PageJson) => {
    const html = (await visit(up, `/status/${page.slug}`)).body;
    const h2 = /<h2 id="status-text">([^<]*)<\/h2>/.exec(html)?.[1];
    const cls = /class="banner (\w+)"/.exec(html)?.[1];
    const status = (await visit(up, `/status/${page.slug}/api/v2/status.json`)).json().status;
    const summary = (await visit(up, `/status/${page.slug}/api/v2/summary.json`)).json().status;
    expect(summary).toEqual(status);
    expect(cls).toBe(status.indicator);
    expect(h2).toBe(status.description);
    return status as { indicator: string; description: string };
  };

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    monitorId = (await createMonitor(up, monitorBody("tcp"))).id;
  });
  afterAll(async () => up?.close());

  it("is not 'All Systems Operational' above an active published incident", async () => {
    const page = await pageWith();
    expect(await banner(page)).toEqual({ indicator: "none", description: "All Systems Operational" });
    const draft = await post(page, {
      title: "Partial outage: Website",
      impact: "major",
      componentIds: [monitorId],
      message: "Investigating",
      published: false,
    });
    // A draft is not shown, so it does not move the banner.
    expect((await banner(page)).indicator).toBe("none");
    await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${draft.id}/publish`);
    expect(await banner(page)).toEqual({ indicator: "major", description: "Partial System Outage" });
    await post(page, { title: "Everything down", impact: "critical", componentIds: [], message: "Down" });
    expect(await banner(page)).toEqual({ indicator: "critical", description: "Major System Outage" });
  });

  it("follows the incident back to operational once it is resolved", async () => {
    const page = await pageWith();
    const incident = await post(page, { title: "Slow", impact: "minor", componentIds: [], message: "Slow" });
    expect(await banner(page)).toEqual({ indicator: "minor", description: "Partially Degraded Service" });
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${incident.id}/updates`, {
      status: "resolved",
      body: "Fixed",
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await banner(page)).indicator).toBe("none");
  });

  it("says maintenance during announced maintenance in progress and during a window", async () => {
    const announced = await pageWith();
    await post(announced, {
      kind: "maintenance",
      status: "in_progress",
      title: "Database upgrade",
      impact: "none",
      componentIds: [monitorId],
      message: "Working on it",
      scheduledFor: new Date(Date.now() - HOUR).toISOString(),
      scheduledUntil: new Date(Date.now() + HOUR).toISOString(),
    });
    expect(await banner(announced)).toEqual({
      indicator: "maintenance",
      description: "Service Under Maintenance",
    });

    const other = (await createMonitor(up, monitorBody("tcp"))).id;
    const windowed = await createPage(up, {
      groups: [{ name: "G", components: [{ monitorId: other, displayName: "Other" }] }],
    });
    const res = await call(up, "POST", `${API}/maintenance-windows`, {
      title: "Network move",
      monitorIds: [other],
      schedule: {
        type: "once",
        startsAt: new Date(Date.now() - HOUR).toISOString(),
        endsAt: new Date(Date.now() + HOUR).toISOString(),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await banner(windowed)).indicator).toBe("maintenance");
  });
});
