import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { STATUS_REQUESTS_PER_IP } from "./rate-limit.ts";

const HOUR = 3_600_000;
const iso = z.iso.datetime({ offset: true });

/** The documented shape of summary.json (docs/status-pages.md), after Atlassian Statuspage's API v2. */
const Component = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.enum([
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
  ]),
  created_at: iso,
  updated_at: iso,
  position: z.number().int().positive(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(z.string()).optional(),
});
const PagePart = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.url(),
  time_zone: z.string(),
  updated_at: iso,
});
const StatusPart = z.strictObject({
  indicator: z.enum(["none", "minor", "major", "critical", "maintenance"]),
  description: z.string(),
});
const Maintenance = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(["scheduled", "in_progress", "verifying", "completed"]),
  impact: z.literal("maintenance"),
  created_at: iso,
  updated_at: iso,
  monitoring_at: iso.nullable(),
  resolved_at: iso.nullable(),
  started_at: iso,
  scheduled_for: iso,
  scheduled_until: iso,
  shortlink: z.url(),
  page_id: z.string(),
  incident_updates: z.array(z.unknown()),
  components: z.array(z.strictObject({ id: z.string(), name: z.string(), status: z.string() })),
});
const Summary = z.strictObject({
  page: PagePart,
  status: StatusPart,
  components: z.array(Component),
  incidents: z.array(z.unknown()),
  scheduled_maintenances: z.array(Maintenance),
});

/** summary.json and status.json in the Statuspage shape, and the SVG badges. */
describe.each(DB_KINDS)("status page JSON and badges on %s", (kind) => {
  let up: TestUpblit;
  let page: PageJson;
  let apiId: string;
  let webId: string;
  let privateOnly: string;
  let nowhere: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, PUBLIC_URL: "https://upblit.example.test" });
    apiId = (await createMonitor(up, monitorBody("http"))).id;
    webId = (await createMonitor(up, monitorBody("http"))).id;
    privateOnly = (await createMonitor(up, monitorBody("tcp"))).id;
    nowhere = (await createMonitor(up, monitorBody("tcp"))).id;
    page = await createPage(up, {
      title: "Acme",
      groups: [
        { name: "Core", components: [{ monitorId: apiId, displayName: 'API "v2" <&>' }] },
        { name: "Web", components: [{ monitorId: webId, displayName: "Website" }] },
        { name: "Empty", components: [] },
      ],
    });
    await createPage(up, {
      visibility: "members",
      groups: [{ name: "G", components: [{ monitorId: privateOnly, displayName: "Internal" }] }],
    });
    const now = Date.now();
    const window = await call(up, "POST", `${API}/maintenance-windows`, {
      title: "Planned work",
      monitorIds: [webId],
      schedule: {
        type: "once",
        startsAt: new Date(now + 2 * HOUR).toISOString(),
        endsAt: new Date(now + 3 * HOUR).toISOString(),
      },
    });
    expect(window.statusCode, window.body).toBe(201);
  });
  afterAll(async () => up?.close());

  it("serves summary.json in the documented shape: groups, components, maintenance", async () => {
    const res = await visit(up, `/status/${page.slug}/api/v2/summary.json`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const summary = Summary.parse(res.json());
    expect(summary.page).toMatchObject({
      id: page.id,
      name: "Acme",
      url: `https://upblit.example.test/status/${page.slug}`,
    });
    expect(summary.status).toEqual({ indicator: "none", description: "All Systems Operational" });
    expect(summary.components.map((c) => [c.name, c.group, c.group_id !== null, c.position])).toEqual([
      ["Core", true, false, 1],
      ['API "v2" <&>', false, true, 2],
      ["Web", true, false, 3],
      ["Website", false, true, 4],
    ]);
    const core = summary.components[0]!;
    expect(core.components).toEqual([apiId]);
    expect(summary.components[1]).toMatchObject({ id: apiId, group_id: core.id, page_id: page.id });
    expect(summary.scheduled_maintenances).toHaveLength(1);
    expect(summary.scheduled_maintenances[0]).toMatchObject({
      name: "Planned work",
      status: "scheduled",
      components: [{ id: webId, name: "Website", status: "operational" }],
    });
    expect(summary.incidents).toEqual([]);
  });

  it("serves status.json as page and status", async () => {
    const res = await visit(up, `/status/${page.slug}/api/v2/status.json`);
    expect(res.statusCode).toBe(200);
    const body = z.strictObject({ page: PagePart, status: StatusPart }).parse(res.json());
    expect(body.status.indicator).toBe("none");
    expect((await visit(up, "/status/not-a-page-at-all/api/v2/status.json")).statusCode).toBe(404);
  });

  it("serves well-formed SVG badges with cache headers, escaped labels and a 304", async () => {
    const status = await visit(up, `/badge/${apiId}/status.svg`);
    expect(status.statusCode).toBe(200);
    expect(status.headers["content-type"]).toBe("image/svg+xml; charset=utf-8");
    expect(status.headers["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=60");
    expect(XMLValidator.validate(status.body)).toBe(true);
    const svg = new XMLParser({ ignoreAttributes: false }).parse(status.body).svg;
    expect(svg["@_xmlns"]).toBe("http://www.w3.org/2000/svg");
    expect(svg["@_role"]).toBe("img");
    expect(status.body).toContain("<title>API &quot;v2&quot; &lt;&amp;&gt;: no data</title>");
    expect(status.body).not.toContain('"v2" <&>');
    const width = Number(svg["@_width"]);
    expect(width).toBeGreaterThan(60);
    expect(width).toBeLessThan(200);
    const uptime = await visit(up, `/badge/${apiId}/uptime-30d.svg`);
    expect(XMLValidator.validate(uptime.body)).toBe(true);
    expect(uptime.body).toContain("<title>uptime 30d: no data</title>");
    const again = await visit(up, `/badge/${apiId}/status.svg`, {
      headers: { "if-none-match": String(status.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it("has no badge for a monitor not on a public page: the same 404 as for none at all", async () => {
    const bodies = [];
    for (const id of [privateOnly, nowhere, "mon_00000000000000000000000000"]) {
      for (const badge of ["status.svg", "uptime-30d.svg"]) {
        const res = await visit(up, `/badge/${id}/${badge}`);
        const problem = expectProblem(res, 404, "NOT_FOUND");
        bodies.push(JSON.stringify({ ...problem, requestId: "" }));
      }
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toContain(privateOnly);
  });

  it("drops a badge as soon as its monitor leaves the last public page", async () => {
    const lonely = (await createMonitor(up, monitorBody("tcp"))).id;
    const p = await createPage(up, {
      groups: [{ name: "G", components: [{ monitorId: lonely, displayName: "L" }] }],
    });
    expect((await visit(up, `/badge/${lonely}/status.svg`)).statusCode).toBe(200);
    await call(up, "PATCH", `${API}/status-pages/${p.id}`, { visibility: "members" });
    expect((await visit(up, `/badge/${lonely}/status.svg`)).statusCode).toBe(404);
    await call(up, "PATCH", `${API}/status-pages/${p.id}`, { visibility: "public", groups: [] });
    expect((await visit(up, `/badge/${lonely}/status.svg`)).statusCode).toBe(404);
  });

  it("limits public requests per address with 429 and Retry-After", async () => {
    const ip = "198.51.100.7";
    let served = 0;
    let refused: Awaited<ReturnType<typeof visit>> | undefined;
    while (!refused && served <= STATUS_REQUESTS_PER_IP.limit) {
      const res = await visit(up, `/status/${page.slug}/api/v2/status.json`, { ip });
      if (res.statusCode === 429) refused = res;
      else served += 1;
    }
    expect(served).toBe(STATUS_REQUESTS_PER_IP.limit);
    expectProblem(refused!, 429, "LIMIT_EXCEEDED");
    expect(Number(refused!.headers["retry-after"])).toBeGreaterThan(0);
    expect(
      (await visit(up, `/status/${page.slug}/api/v2/status.json`, { ip: "198.51.100.8" })).statusCode,
    ).toBe(200);
  });
});
