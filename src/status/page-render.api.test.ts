import { createHash } from "node:crypto";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
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

  it("carries a strict CSP that allows exactly its one inline style and script, by their hashes", async () => {
    const first = await visit(up, `/status/${page.slug}`);
    const second = await visit(up, `/status/${page.slug}`);
    const csp = String(first.headers["content-security-policy"]);
    const sha = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(first.body)?.[1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(first.body)?.[1];
    expect(script).toBeTruthy();
    expect(style).toBeTruthy();
    expect(csp).toContain(`script-src ${sha(script!)};`);
    expect(csp).toContain(`style-src ${sha(style!)};`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    // One script and one style, no attributes that could smuggle more.
    expect([...first.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1])).toEqual([""]);
    expect([...first.body.matchAll(/<style([^>]*)>/g)].map((m) => m[1])).toEqual([""]);
    expect(first.body).not.toMatch(/\sstyle="|\son\w+="/);
    // The same bytes and policy for every visitor: what makes compressing once per build possible.
    expect(second.body).toBe(first.body);
    expect(second.headers["content-security-policy"]).toBe(csp);
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    expect(first.headers["x-frame-options"]).toBe("DENY");
  });

  it("sends the page and its JSON brotli- or gzip-compressed as the client accepts, the same bytes decompressed", async () => {
    for (const url of [`/status/${page.slug}`, `/status/${page.slug}/api/v2/summary.json`]) {
      const plain = await visit(up, url);
      expect(plain.headers["content-encoding"], url).toBeUndefined();
      expect(String(plain.headers.vary), url).toContain("Accept-Encoding");
      const cases: Array<[string, string | undefined, (b: Buffer) => Buffer]> = [
        ["gzip, deflate, br", "br", brotliDecompressSync],
        ["gzip", "gzip", gunzipSync],
        ["br;q=0, gzip;q=0.5", "gzip", gunzipSync],
        ["*", "br", brotliDecompressSync],
        ["br;q=0, gzip;q=0", undefined, (b) => b],
        ["identity", undefined, (b) => b],
      ];
      for (const [accept, coding, decode] of cases) {
        const res = await visit(up, url, { headers: { "accept-encoding": accept } });
        expect(res.statusCode, `${url} ${accept}`).toBe(200);
        expect(res.headers["content-encoding"], `${url} ${accept}`).toBe(coding);
        expect(res.headers.etag, `${url} ${accept}`).toBe(plain.headers.etag);
        expect(decode(res.rawPayload).toString("utf8"), `${url} ${accept}`).toBe(plain.body);
        if (coding) expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      }
      const again = await visit(up, url, {
        headers: { "accept-encoding": "br", "if-none-match": String(plain.headers.etag) },
      });
      expect(again.statusCode, url).toBe(304);
      expect(again.rawPayload.length, url).toBe(0);
    }
  });

  it("logs successful reads at debug and refusals at info, each with its request id", async () => {
    const ok = await visit(up, `/status/${page.slug}/api/v2/summary.json`, {
      headers: { "accept-encoding": "br" },
    });
    const missing = await visit(up, "/status/no-such-page-logged");
    expect(ok.statusCode).toBe(200);
    expect(missing.statusCode).toBe(404);
    const lineOf = (res: typeof ok) => () =>
      up.logs.find((l) => l.msg === "request" && l.reqId === res.headers["x-request-id"]);
    // The line is written once the answer has left; the refusal's shows that both were handled.
    const deadline = Date.now() + 30_000;
    while (!lineOf(missing)() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lineOf(missing)()).toMatchObject({ statusCode: 404, url: "/status/no-such-page-logged" });
    expect(lineOf(ok)()).toBeUndefined();
    // An API route's success is still an info line.
    const api = await call(up, "GET", `${API}/status-pages/${page.id}`);
    while (!lineOf(api)() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lineOf(api)()).toMatchObject({ statusCode: 200, level: 30 });
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
