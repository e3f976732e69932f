import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const HOUR = 3_600_000;

/**
 * Rendering of every section of a public page from fixtures written through the API: header,
 * banner, maintenance (ongoing and scheduled), groups and components with their bars, footer.
 * Plus the strict CSP with a fresh nonce per response, escaping of every owner-written text, and
 * edits showing at once.
 */
describe.each(DB_KINDS)("status page rendering on %s", (kind) => {
  let up: TestUpblit;
  let page: PageJson;
  let apiId: string;
  let webId: string;
  let hidden: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    apiId = (await createMonitor(up, monitorBody("http", { name: "api-backend-7" }))).id;
    webId = (await createMonitor(up, monitorBody("http", { name: "web-frontend-3" }))).id;
    hidden = (await createMonitor(up, monitorBody("tcp", { name: "not-on-the-page" }))).id;
    page = await createPage(up, {
      title: "Acme <Cloud> & Co",
      description: 'Status of "everything" we run',
      logoUrl: "https://cdn.example.com/logo.png",
      faviconUrl: "https://cdn.example.com/favicon.ico",
      footerText: "Questions? Write to us.",
      footerLinks: [{ label: "Support <desk>", url: "https://support.example.com/?a=1&b=2" }],
      groups: [
        { name: "Core services", components: [{ monitorId: apiId, displayName: "Public API <v2>" }] },
        { name: "Websites", components: [{ monitorId: webId, displayName: "Website" }] },
      ],
    });
    const now = Date.now();
    for (const window of [
      { title: "Database upgrade", startsAt: now - HOUR, endsAt: now + HOUR, monitorIds: [apiId] },
      { title: "Network move", startsAt: now + 48 * HOUR, endsAt: now + 50 * HOUR, monitorIds: [webId] },
      { title: "Unrelated work", startsAt: now - HOUR, endsAt: now + HOUR, monitorIds: [hidden] },
    ]) {
      const res = await call(up, "POST", `${API}/maintenance-windows`, {
        title: window.title,
        monitorIds: window.monitorIds,
        schedule: {
          type: "once",
          startsAt: new Date(window.startsAt).toISOString(),
          endsAt: new Date(window.endsAt).toISOString(),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => up?.close());

  it("renders header, banner, maintenance, groups, components, bars and footer", async () => {
    const res = await visit(up, `/status/${page.slug}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html; charset=utf-8/);
    const body = res.body;
    expect(body).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(body).toContain("<title>Acme &lt;Cloud&gt; &amp; Co status</title>");
    expect(body).toContain('<link rel="icon" href="https://cdn.example.com/favicon.ico">');
    expect(body).toContain('<img src="https://cdn.example.com/logo.png" alt="">');
    expect(body).toContain("<h1>Acme &lt;Cloud&gt; &amp; Co</h1>");
    expect(body).toContain("<p>Status of &quot;everything&quot; we run</p>");
    // Nothing has been checked yet (no verdict), but maintenance is in progress on a component.
    expect(body).toMatch(/<h2 id="status-text">Service Under Maintenance<\/h2>/);
    expect(body).toMatch(
      /<h2 id="maint-in_progress">Ongoing maintenance<\/h2>\s*<ul class="list maint">\s*<li><h3>Database upgrade<\/h3>/,
    );
    expect(body).toMatch(
      /<h2 id="maint-scheduled">Scheduled maintenance<\/h2>\s*<ul class="list maint">\s*<li><h3>Network move<\/h3>/,
    );
    expect(body).toContain("<p>Affects: Public API &lt;v2&gt;</p>");
    expect(body).not.toContain("Unrelated work");
    const groups = [...body.matchAll(/<h2 id="g-grp_[0-9a-z]+">([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(groups).toEqual(["Core services", "Websites"]);
    expect(body).toContain(`<li data-component="${apiId}" data-status="operational" data-state="pending">`);
    expect(body).toContain("<h3>Public API &lt;v2&gt;</h3>");
    expect(body).toContain('<span class="label">Awaiting data</span>');
    // The monitor was made today: its uptime counts from today, the days before are no data.
    expect(body).toMatch(/No data uptime since \d{1,2} \w{3} \d{4}</);
    const bars = body.split(`data-component="${apiId}"`)[1]!.split("</ol>")[0]!;
    expect(bars.match(/<li class="n"><span class="tip">/g)).toHaveLength(90);
    expect(bars.match(/: no data, not monitored yet<\/span>/g)).toHaveLength(89);
    expect(bars).toMatch(/<span class="tip">\d{1,2} \w{3} \d{4}: no data, no incidents<\/span>/);
    expect(body).toContain("<p>Questions? Write to us.</p>");
    expect(body).toContain(
      '<a href="https://support.example.com/?a=1&amp;b=2" rel="nofollow noopener noreferrer">Support &lt;desk&gt;</a>',
    );
    expect(body).toMatch(
      /Last updated <time id="updated" datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">[^<]+ UTC<\/time>/,
    );
    for (const landmark of ["<header", "<main", "<footer", 'class="skip" href="#main"']) {
      expect(body).toContain(landmark);
    }
  });

  it("shows nothing of monitors not on the page, nor monitor names or targets", async () => {
    const body = (await visit(up, `/status/${page.slug}`)).body;
    for (const secret of [
      hidden,
      "not-on-the-page",
      "api-backend-7",
      "web-frontend-3",
      "example.com/health",
    ]) {
      expect(body).not.toContain(secret);
    }
  });

  it("carries a strict CSP whose fresh nonce is the only way the style and script run", async () => {
    const first = await visit(up, `/status/${page.slug}`);
    const second = await visit(up, `/status/${page.slug}`);
    const nonceOf = (csp: unknown) => /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(String(csp))?.[1];
    const a = nonceOf(first.headers["content-security-policy"]);
    const b = nonceOf(second.headers["content-security-policy"]);
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
    expect(first.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(first.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(first.headers["content-security-policy"]).not.toContain("unsafe-inline");
    const scripts = [...first.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([` nonce="${a}"`]);
    expect([...first.body.matchAll(/<style([^>]*)>/g)].map((m) => m[1])).toEqual([` nonce="${a}"`]);
    expect(first.body).not.toMatch(/\sstyle="|\son\w+="/);
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    expect(first.headers["x-frame-options"]).toBe("DENY");
  });

  it("escapes markup in every text the owner writes", async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const other = await createPage(up, {
      title: evil,
      description: evil,
      footerText: evil,
      footerLinks: [{ label: evil, url: "https://example.com/" }],
      groups: [{ name: evil, components: [{ monitorId: apiId, displayName: evil }] }],
    });
    const body = (await visit(up, `/status/${other.slug}`)).body;
    expect(body).not.toContain("<script>alert");
    expect(body).not.toContain("<img src=x");
    expect(
      body.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/g)?.length,
    ).toBeGreaterThanOrEqual(6);
  });

  it("shows an edit at once, and answers 404 for a slug no page has", async () => {
    const before = await visit(up, `/status/${page.slug}`);
    const res = await call(up, "PATCH", `${API}/status-pages/${page.id}`, { title: "Renamed Cloud" });
    expect(res.statusCode).toBe(200);
    const after = await visit(up, `/status/${page.slug}`);
    expect(after.body).toContain("<h1>Renamed Cloud</h1>");
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const missing = await visit(up, "/status/no-such-page-here");
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain("There is no status page at this address");
    expect(missing.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("follows a slug change and forgets the old slug", async () => {
    const moved = await createPage(up, { title: "Moving" });
    expect((await visit(up, `/status/${moved.slug}`)).statusCode).toBe(200);
    const slug = `${moved.slug}-new`;
    expect((await call(up, "PATCH", `${API}/status-pages/${moved.id}`, { slug })).statusCode).toBe(200);
    expect((await visit(up, `/status/${moved.slug}`)).statusCode).toBe(404);
    expect((await visit(up, `/status/${slug}`)).body).toContain("<h1>Moving</h1>");
    expect((await call(up, "DELETE", `${API}/status-pages/${moved.id}`)).statusCode).toBe(204);
    expect((await visit(up, `/status/${slug}`)).statusCode).toBe(404);
  });

  it("renders 30 or 365 bars when the page keeps that much history", async () => {
    for (const days of [30, 365]) {
      const p = await createPage(up, {
        historyDays: days,
        groups: [{ name: "G", components: [{ monitorId: webId, displayName: "Web" }] }],
      });
      const body = (await visit(up, `/status/${p.slug}`)).body;
      expect(body.match(/<span class="tip">/g)).toHaveLength(days);
      expect(body).toContain(`aria-label="Daily uptime of Web, last ${days} days"`);
      expect(body).toMatch(/uptime since \d{1,2} \w{3} \d{4}</);
    }
  });
});
