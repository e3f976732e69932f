import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const iso = z.iso.datetime({ offset: true });

/** Statuspage v2 shapes (docs/status-pages.md). */
const PagePart = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.url(),
  time_zone: z.string(),
  updated_at: iso,
});
const Component = z.object({ id: z.string(), name: z.string(), status: z.string(), group: z.boolean() });
const Update = z.strictObject({
  id: z.string(),
  status: z.string(),
  body: z.string(),
  incident_id: z.string(),
  created_at: iso,
  updated_at: iso,
  display_at: iso,
  affected_components: z.null(),
});
const Incident = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(["investigating", "identified", "monitoring", "resolved"]),
  impact: z.enum(["none", "minor", "major", "critical"]),
  created_at: iso,
  updated_at: iso,
  monitoring_at: iso.nullable(),
  resolved_at: iso.nullable(),
  started_at: iso,
  shortlink: z.url(),
  page_id: z.string(),
  incident_updates: z.array(Update),
  components: z.array(z.strictObject({ id: z.string(), name: z.string(), status: z.string() })),
});
const Maintenance = Incident.extend({
  status: z.enum(["scheduled", "in_progress", "verifying", "completed"]),
  impact: z.literal("maintenance"),
  incident_updates: z.array(z.unknown()),
  scheduled_for: iso,
  scheduled_until: iso,
});
const Incidents = z.strictObject({ page: PagePart, incidents: z.array(Incident) });
const Maintenances = z.strictObject({ page: PagePart, scheduled_maintenances: z.array(Maintenance) });

interface SummaryJson {
  page: { updated_at: string };
  components: Array<{ id: string; group: boolean; created_at: string; updated_at: string }>;
}

/** The Statuspage v2 JSON of a page: its timestamps and every list route. */
describe.each(DB_KINDS)("status page v2 JSON on %s", (kind) => {
  let up: TestUpblit;
  let page: PageJson;
  let monitorId: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, PUBLIC_URL: "https://upblit.example.test" });
    monitorId = (await createMonitor(up, monitorBody("tcp"))).id;
    // The monitor's state has not changed since yesterday; it joins the page today.
    await up.rt.db
      .updateTable("monitor_state")
      .set({ since: new Date(Date.now() - DAY) })
      .where("monitor_id", "=", monitorId)
      .execute();
    page = await createPage(up, {
      groups: [{ name: "G", components: [{ monitorId, displayName: "Website" }] }],
    });
  });
  afterAll(async () => up?.close());

  it("never dates a component's update before its creation, and dates the page by its last change", async () => {
    // Read strictly after the page's last change.
    while (Date.now() <= Date.parse(String(page.updatedAt))) await new Promise((r) => setTimeout(r, 2));
    const readAt = Date.now();
    const first = await visit(up, `/status/${page.slug}/api/v2/summary.json`);
    expect(first.statusCode, first.body).toBe(200);
    const summary = first.json<SummaryJson>();
    for (const c of summary.components) {
      expect(Date.parse(c.updated_at), c.id).toBeGreaterThanOrEqual(Date.parse(c.created_at));
    }
    const component = summary.components.find((c) => c.id === monitorId)!;
    expect(component.updated_at).toBe(component.created_at);
    // Nothing changed after the page was made: its time is the last change, not the read time.
    const lastChange = Math.max(Date.parse(String(page.updatedAt)), Date.parse(component.updated_at));
    expect(lastChange).toBeLessThan(readAt);
    expect(Date.parse(summary.page.updated_at)).toBe(lastChange);
  });
});

/** components.json, incidents(.json|/unresolved.json), scheduled-maintenances(.json|/upcoming|/active). */
describe.each(DB_KINDS)("status page v2 lists on %s", (kind) => {
  let up: TestUpblit;
  let page: PageJson;
  let members: PageJson;
  let webId: string;
  const names: Record<string, string> = {};
  const v2 = (slug: string, path: string, headers: Record<string, string> = {}) =>
    visit(up, `/status/${slug}/api/v2/${path}`, { headers });
  const post = async (key: string, body: Record<string, unknown>) => {
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents`, {
      title: key,
      componentIds: [webId],
      message: `${key} begins`,
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    names[key] = res.json<{ id: string }>().id;
    return names[key]!;
  };

  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, PUBLIC_URL: "https://upblit.example.test" });
    webId = (await createMonitor(up, monitorBody("tcp"))).id;
    page = await createPage(up, {
      groups: [{ name: "Web", components: [{ monitorId: webId, displayName: "Website" }] }],
    });
    members = await createPage(up, {
      visibility: "members",
      groups: [{ name: "Web", components: [{ monitorId: webId, displayName: "Website" }] }],
    });
    const now = Date.now();
    const window = (title: string, from: number, to: number) =>
      call(up, "POST", `${API}/maintenance-windows`, {
        title,
        monitorIds: [webId],
        schedule: {
          type: "once",
          startsAt: new Date(from).toISOString(),
          endsAt: new Date(to).toISOString(),
        },
      });
    expect((await window("Window now", now - HOUR, now + HOUR)).statusCode).toBe(201);
    expect((await window("Window later", now + 5 * HOUR, now + 6 * HOUR)).statusCode).toBe(201);
    await post("Open incident", { impact: "major" });
    const resolved = await post("Resolved incident", { impact: "minor" });
    const fix = await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${resolved}/updates`, {
      status: "resolved",
      body: "Fixed",
    });
    expect(fix.statusCode, fix.body).toBe(201);
    await post("Draft incident", { impact: "critical", published: false });
    const span = {
      scheduledFor: new Date(now + HOUR).toISOString(),
      scheduledUntil: new Date(now + 2 * HOUR).toISOString(),
    };
    await post("Announced later", { kind: "maintenance", status: "scheduled", impact: "none", ...span });
    await post("Announced now", { kind: "maintenance", status: "in_progress", impact: "none", ...span });
    await post("Announced done", { kind: "maintenance", status: "completed", impact: "none", ...span });
  });
  afterAll(async () => up?.close());

  it("serves components.json: the page and its components, groups included", async () => {
    const res = await v2(page.slug, "components.json");
    expect(res.statusCode, res.body).toBe(200);
    const body = z.strictObject({ page: PagePart, components: z.array(Component) }).parse(res.json());
    expect(body.page.id).toBe(page.id);
    expect(body.components.map((c) => [c.name, c.group])).toEqual([
      ["Web", true],
      ["Website", false],
    ]);
    const summary = (await v2(page.slug, "summary.json")).json<{ components: unknown }>();
    expect(res.json<{ components: unknown }>().components).toEqual(summary.components);
  });

  it("serves incidents.json (recent, resolved included) and incidents/unresolved.json, never drafts", async () => {
    const all = Incidents.parse((await v2(page.slug, "incidents.json")).json());
    expect(all.incidents.map((i) => i.name)).toEqual(["Resolved incident", "Open incident"]);
    expect(all.incidents[0]).toMatchObject({ status: "resolved", impact: "minor" });
    expect(all.incidents[0]!.resolved_at).not.toBeNull();
    expect(all.incidents[1]!.components).toEqual([{ id: webId, name: "Website", status: "operational" }]);
    const open = Incidents.parse((await v2(page.slug, "incidents/unresolved.json")).json());
    expect(open.incidents.map((i) => i.name)).toEqual(["Open incident"]);
    expect(open.incidents[0]!.incident_updates[0]).toMatchObject({
      status: "investigating",
      body: "Open incident begins",
    });
  });

  it("serves scheduled-maintenances.json, …/upcoming.json and …/active.json", async () => {
    const list = async (path: string) =>
      Maintenances.parse((await v2(page.slug, path)).json()).scheduled_maintenances.map((m) => [
        m.name,
        m.status,
      ]);
    expect(await list("scheduled-maintenances.json")).toEqual([
      ["Window now", "in_progress"],
      ["Window later", "scheduled"],
      ["Announced done", "completed"],
      ["Announced now", "in_progress"],
      ["Announced later", "scheduled"],
    ]);
    expect(await list("scheduled-maintenances/upcoming.json")).toEqual([
      ["Window later", "scheduled"],
      ["Announced later", "scheduled"],
    ]);
    expect(await list("scheduled-maintenances/active.json")).toEqual([
      ["Window now", "in_progress"],
      ["Announced now", "in_progress"],
    ]);
  });

  it("caches every list like summary.json: ETag, 304, public cache headers and CORS", async () => {
    const paths = [
      "components.json",
      "incidents.json",
      "incidents/unresolved.json",
      "scheduled-maintenances.json",
      "scheduled-maintenances/upcoming.json",
      "scheduled-maintenances/active.json",
    ];
    const summary = await v2(page.slug, "summary.json");
    for (const path of paths) {
      const res = await v2(page.slug, path);
      expect(res.statusCode, path).toBe(200);
      expect(res.headers["content-type"], path).toBe("application/json; charset=utf-8");
      expect(res.headers["access-control-allow-origin"], path).toBe("*");
      expect(res.headers["cache-control"], path).toBe(summary.headers["cache-control"]);
      expect(res.headers.etag, path).toMatch(/^W\/"/);
      const again = await v2(page.slug, path, { "if-none-match": String(res.headers.etag) });
      expect(again.statusCode, path).toBe(304);
      expectProblem(await v2("no-such-page-here", path), 404, "NOT_FOUND");
      expectProblem(await v2(members.slug, path), 404, "NOT_FOUND");
    }
  });
});
