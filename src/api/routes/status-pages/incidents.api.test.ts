import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { createPage, type PageJson, visit } from "../../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface IncidentJson {
  id: string;
  kind: string;
  title: string;
  status: string;
  impact: string;
  published: boolean;
  publishedAt: string | null;
  componentIds: string[];
  postmortem: string | null;
  resolvedAt: string | null;
  updates: Array<{ id: string; status: string; body: string; html: string }>;
}

const XSS = [
  "Hello <script>alert('x')</script> world",
  '<img src=x onerror="alert(1)">',
  "[click](javascript:alert(1))",
  "[data](data:text/html;base64,PHNjcmlwdD4=)",
  '<a href="https://ok.example" onclick="steal()">ok</a>',
  "<iframe src=https://evil.example></iframe><style>body{display:none}</style>",
  "[site](https://status.example/docs)",
].join("\n\n");

describe.each(DB_KINDS)("status-page incidents on %s", (kind) => {
  let up: TestUpblit;
  let page: PageJson;
  let webId: string;
  let dbId: string;
  const base = () => `${API}/status-pages/${page.id}/incidents`;
  const post = async (body: Record<string, unknown>) => {
    const res = await call(up, "POST", base(), body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<IncidentJson>();
  };

  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, PUBLIC_URL: "https://upblit.example.test" });
    webId = (await createMonitor(up, monitorBody("tcp", { name: "web-internal" }))).id;
    dbId = (await createMonitor(up, monitorBody("tcp", { name: "db-internal" }))).id;
    page = await createPage(up, {
      title: "Acme & Co",
      groups: [
        {
          name: "Core",
          components: [
            { monitorId: webId, displayName: "Website" },
            { monitorId: dbId, displayName: "Database" },
          ],
        },
      ],
    });
  });
  afterAll(async () => up?.close());

  it("creates, reads, changes, lists and deletes incidents, audited", async () => {
    const created = await post({
      title: "Slow checkout",
      impact: "minor",
      componentIds: [webId],
      message: "We are looking into **slow** checkouts.",
    });
    expect(created).toMatchObject({
      kind: "incident",
      status: "investigating",
      impact: "minor",
      published: true,
      componentIds: [webId],
    });
    expect(created.updates).toHaveLength(1);
    expect(created.updates[0]!.html).toBe("<p>We are looking into <strong>slow</strong> checkouts.</p>");
    const changed = await call(up, "PATCH", `${base()}/${created.id}`, {
      title: "Slow checkout for some",
      impact: "major",
      componentIds: [dbId, webId],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<IncidentJson>()).toMatchObject({ title: "Slow checkout for some", impact: "major" });
    expect(changed.json<IncidentJson>().componentIds).toEqual([webId, dbId]);
    const got = await call(up, "GET", `${base()}/${created.id}`);
    expect(got.json<IncidentJson>().title).toBe("Slow checkout for some");
    const list = await call(up, "GET", base());
    expect(list.json<{ items: IncidentJson[] }>().items.map((i) => i.id)).toContain(created.id);
    const removed = await call(up, "DELETE", `${base()}/${created.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await call(up, "GET", `${base()}/${created.id}`)).statusCode).toBe(404);
    const actions = await up.rt.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", created.id)
      .orderBy("at")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "status_incident.create",
      "status_incident.update",
      "status_incident.delete",
    ]);
  });

  it("keeps an incident's components when the page's groups are edited", async () => {
    const incident = await post({ title: "Kept", componentIds: [webId, dbId], message: "m" });
    const edit = await call(up, "PATCH", `${API}/status-pages/${page.id}`, {
      groups: [
        {
          name: "Core",
          components: [
            { monitorId: dbId, displayName: "Database" },
            { monitorId: webId, displayName: "Website" },
          ],
        },
      ],
    });
    expect(edit.statusCode, edit.body).toBe(200);
    const after = (await call(up, "GET", `${base()}/${incident.id}`)).json<IncidentJson>();
    expect(after.componentIds).toEqual([dbId, webId]);
    await call(up, "PATCH", `${API}/status-pages/${page.id}`, {
      groups: [
        {
          name: "Core",
          components: [
            { monitorId: webId, displayName: "Website" },
            { monitorId: dbId, displayName: "Database" },
          ],
        },
      ],
    });
    await call(up, "DELETE", `${base()}/${incident.id}`);
  });

  it("refuses components of other pages, statuses of the other kind and postmortems before resolve", async () => {
    const other = await createMonitor(up, monitorBody("tcp", { name: "elsewhere" }));
    const res = await call(up, "POST", base(), {
      title: "x",
      componentIds: [other.id],
      status: "scheduled",
      message: "m",
    });
    expectValidation(res, ["body.componentIds.0", "body.status"]);
    const open = await post({ title: "Open one", message: "m" });
    const early = await call(up, "PATCH", `${base()}/${open.id}`, { postmortem: "too early" });
    expectValidation(early, ["body.postmortem"]);
    const long = await call(up, "POST", `${base()}/${open.id}/updates`, {
      status: "identified",
      body: "x".repeat(10_001),
    });
    expect(long.statusCode).toBe(400);
  });

  it("moves through updates to resolved with a postmortem, and a draft is published by one call", async () => {
    const draft = await post({
      title: "Database failover",
      impact: "critical",
      componentIds: [dbId],
      message: "Draft",
      published: false,
    });
    expect(draft.published).toBe(false);
    const page1 = await visit(up, `/status/${page.slug}`);
    expect(page1.body).not.toContain("Database failover");
    const published = await call(up, "POST", `${base()}/${draft.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json<IncidentJson>().published).toBe(true);
    const active = await visit(up, `/status/${page.slug}`);
    expect(active.body).toContain("Active incidents");
    expect(active.body).toContain("Database failover");
    expect(active.body).toContain("Major outage");
    const summary = JSON.parse((await visit(up, `/status/${page.slug}/api/v2/summary.json`)).body);
    const inSummary = summary.incidents.find((i: { id: string }) => i.id === draft.id);
    expect(inSummary).toMatchObject({
      name: "Database failover",
      status: "investigating",
      impact: "critical",
      page_id: page.id,
      components: [{ id: dbId, name: "Database", status: "operational" }],
    });
    expect(inSummary.incident_updates[0]).toMatchObject({ status: "investigating", body: "Draft" });
    for (const status of ["identified", "monitoring"]) {
      const res = await call(up, "POST", `${base()}/${draft.id}/updates`, { status, body: `now ${status}` });
      expect(res.statusCode, res.body).toBe(201);
    }
    const resolved = await call(up, "POST", `${base()}/${draft.id}/updates`, {
      status: "resolved",
      body: "Fixed.",
      postmortem: "## What happened\nA disk filled up.",
    });
    expect(resolved.statusCode, resolved.body).toBe(201);
    const done = resolved.json<IncidentJson>();
    expect(done).toMatchObject({ status: "resolved", postmortem: "## What happened\nA disk filled up." });
    expect(done.resolvedAt).not.toBeNull();
    expect(done.updates.map((u) => u.status)).toEqual([
      "resolved",
      "monitoring",
      "identified",
      "investigating",
    ]);
    const after = await visit(up, `/status/${page.slug}`);
    const [activePart, historyPart] = after.body.split('id="incident-history"');
    expect(activePart).not.toContain("Database failover");
    expect(historyPart).toContain("Database failover");
    expect(after.body).toContain("Incident history");
    expect(after.body).toMatch(/<summary>Postmortem<\/summary><div class="md"><h5>What happened<\/h5>/);
    const summaryAfter = JSON.parse((await visit(up, `/status/${page.slug}/api/v2/summary.json`)).body);
    expect(summaryAfter.incidents.map((i: { id: string }) => i.id)).not.toContain(draft.id);
  });

  it("sanitises markdown: no script, handlers or javascript: links; links get rel=nofollow noopener", async () => {
    const incident = await post({ title: "Payload <b>title</b>", message: XSS });
    const html = incident.updates[0]!.html;
    const pageHtml = await visitBody(`/status/${page.slug}`);
    // The page's one script is its own live script (allowed by its hash in the CSP); none came in.
    expect(pageHtml.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<script/i);
    for (const text of [pageHtml, html]) {
      expect(text).not.toContain("alert(");
      expect(text).not.toMatch(/onerror|onclick/i);
      expect(text).not.toMatch(/javascript:|data:text/i);
      expect(text).not.toMatch(/<iframe|<style>body/i);
    }
    expect(html).toContain('<a href="https://ok.example" rel="nofollow noopener">ok</a>');
    expect(html).toContain('<a href="https://status.example/docs" rel="nofollow noopener">site</a>');
    expect(await visitBody(`/status/${page.slug}`)).toContain("Payload &lt;b&gt;title&lt;/b&gt;");
    await call(up, "DELETE", `${base()}/${incident.id}`);
  });

  it("pages the incident history ten at a time", async () => {
    const titles: string[] = [];
    for (let n = 1; n <= 12; n++) {
      const i = await post({ title: `Past ${n}`, message: "x" });
      await call(up, "POST", `${base()}/${i.id}/updates`, { status: "resolved", body: "ok" });
      titles.push(`Past ${n}`);
    }
    const first = await visitBody(`/status/${page.slug}`);
    const second = await visitBody(`/status/${page.slug}?page=2`);
    const shown = (body: string) => titles.filter((t) => body.includes(`<h3>${t}</h3>`));
    expect(shown(first)).toHaveLength(10);
    expect(first).toContain("<h3>Past 12</h3>");
    expect(first).toContain(`?page=2#incident-history`);
    expect(shown(second)).toEqual(expect.arrayContaining(["Past 1"]));
    expect(shown(first).filter((t) => shown(second).includes(t))).toEqual([]);
  });

  it("serves RSS and Atom feeds that parse and hold the incidents, with ETag and 304", async () => {
    const incident = await post({
      title: "Feed <test> & co",
      impact: "major",
      message: "See [status](https://s.example)",
    });
    const parser = new Parser();
    const rss = await visit(up, `/status/${page.slug}/feed.rss`);
    expect(rss.statusCode).toBe(200);
    expect(rss.headers["content-type"]).toContain("application/rss+xml");
    expect(rss.headers["cache-control"]).toBe("public, max-age=30, stale-while-revalidate=60");
    const rssFeed = await parser.parseString(rss.body);
    expect(rssFeed.title).toBe("Acme & Co status");
    const item = rssFeed.items.find((i) => i.guid === incident.id);
    expect(item?.title).toBe("Feed <test> & co");
    expect(item?.link).toBe(`https://upblit.example.test/status/${page.slug}#incident-${incident.id}`);
    expect(item?.content).toContain('<a href="https://s.example" rel="nofollow noopener">status</a>');
    const atom = await visit(up, `/status/${page.slug}/feed.atom`);
    expect(atom.headers["content-type"]).toContain("application/atom+xml");
    const atomFeed = await parser.parseString(atom.body);
    expect(atomFeed.items.map((i) => i.title)).toContain("Feed <test> & co");
    const again = await visit(up, `/status/${page.slug}/feed.atom`, {
      headers: { "if-none-match": String(atom.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it("has no feed for pages that are not public, and unpublished drafts stay out of feeds", async () => {
    const members = await createPage(up, { visibility: "members" });
    expect((await visit(up, `/status/${members.slug}/feed.rss`)).statusCode).toBe(404);
    const draft = await post({ title: "Secret draft", message: "x", published: false });
    const rss = await visit(up, `/status/${page.slug}/feed.rss`);
    expect(rss.body).not.toContain("Secret draft");
    expect(rss.body).not.toContain(draft.id);
  });

  it("announces maintenance in scheduled_maintenances", async () => {
    const m = await post({
      kind: "maintenance",
      title: "Database upgrade",
      componentIds: [dbId],
      message: "Planned",
      scheduledFor: "2030-01-01T02:00:00Z",
      scheduledUntil: "2030-01-01T03:00:00Z",
    });
    expect(m.status).toBe("scheduled");
    const summary = JSON.parse((await visit(up, `/status/${page.slug}/api/v2/summary.json`)).body);
    expect(summary.scheduled_maintenances).toContainEqual(
      expect.objectContaining({
        id: m.id,
        name: "Database upgrade",
        status: "scheduled",
        impact: "maintenance",
        scheduled_for: "2030-01-01T02:00:00.000Z",
        scheduled_until: "2030-01-01T03:00:00.000Z",
      }),
    );
    expect(await visitBody(`/status/${page.slug}`)).toContain("Announced maintenance");
  });

  async function visitBody(url: string): Promise<string> {
    const res = await visit(up, url);
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  }
});
