import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization, signInAs } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { auditLogPage } from "../../../test/audit-log.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestDnsServer, type TestDnsServer } from "../../../test/dns-server.ts";
import { createPage, type PageJson, visit } from "../../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface DomainJson {
  domain: string;
  pageId: string;
  verified: boolean;
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  verification: { type: string; name: string; value: string };
}

let sequence = 0;
/** A domain no other test of this process claimed. */
function uniqueDomain(tag = "status"): string {
  sequence += 1;
  return `${tag}.acme-${process.pid}-${sequence}.com`;
}

/** Custom domains: claim, conflicts, DNS TXT verification against a local server, Host routing. */
describe.each(DB_KINDS)("status page domains on %s", (kind) => {
  let up: TestUpblit;
  let dns: TestDnsServer;
  let page: PageJson;
  let monitorId: string;

  beforeAll(async () => {
    dns = await startTestDnsServer();
    up = await startTestUpblit(kind, { ...API_ONLY, STATUS_DOMAIN_RESOLVER: dns.address });
    monitorId = (await createMonitor(up, monitorBody("http", { name: "internal-web-01" }))).id;
    page = await createPage(up, {
      title: "Acme Domain Status",
      groups: [{ name: "Core", components: [{ monitorId, displayName: "Website" }] }],
    });
  });
  afterAll(async () => {
    await up?.close();
    await dns?.close();
  });

  const claim = (pageId: string, domain: string, headers: Record<string, string> = {}) =>
    call(up, "POST", `${API}/status-pages/${pageId}/domains`, { domain }, headers);
  const verify = (pageId: string, domain: string, headers: Record<string, string> = {}) =>
    call(up, "POST", `${API}/status-pages/${pageId}/domains/${domain}/verify`, undefined, headers);

  /** Claims a domain of `page`, publishes its token in DNS and verifies it. */
  async function verifiedDomain(target: PageJson = page): Promise<DomainJson> {
    const domain = uniqueDomain();
    const claimed = await claim(target.id, domain);
    expect(claimed.statusCode, claimed.body).toBe(201);
    const body = claimed.json<DomainJson>();
    dns.setTxt(body.verification.name, [body.verification.value]);
    const res = await verify(target.id, domain);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<DomainJson>();
  }

  it("claims a domain, normalised, unverified, with the TXT record to create", async () => {
    const domain = uniqueDomain();
    const res = await claim(page.id, ` ${domain.toUpperCase()}. `);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<DomainJson>();
    expect(body).toMatchObject({
      domain,
      pageId: page.id,
      verified: false,
      verifiedAt: null,
      lastCheckedAt: null,
    });
    expect(body.verification.type).toBe("TXT");
    expect(body.verification.name).toBe(`_upblit-challenge.${domain}`);
    expect(body.verification.value).toMatch(/^upblit-verify-[A-Za-z0-9_-]{32}$/);
    const list = await call(up, "GET", `${API}/status-pages/${page.id}/domains`);
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: DomainJson[] }>().items.map((d) => d.domain)).toContain(domain);
    const entries = (await auditLogPage(up, "action=status_page.domain_add")).items;
    expect(entries.some((e) => e.summary.domain === domain && e.target?.id === page.id)).toBe(true);
  });

  it.each([
    ["an IPv4 address", "192.0.2.10"],
    ["a single label", "intranet"],
    ["an underscore", "bad_name.example.com"],
    ["a local name", "status.localhost"],
    ["a hyphen at a label's end", "status-.example.com"],
    ["a scheme", "https://status.example.com"],
    ["a path", "status.example.com/x"],
  ])("refuses %s", async (_what, domain) => {
    expectValidation(await claim(page.id, domain), ["body.domain"]);
  });

  it("refuses a domain claimed by any page: this one, another of the organization, another organization's", async () => {
    const domain = uniqueDomain();
    expect((await claim(page.id, domain)).statusCode).toBe(201);
    expectProblem(await claim(page.id, domain), 409, "CONFLICT");
    const second = await createPage(up, { title: "Second" });
    expectProblem(await claim(second.id, domain.toUpperCase()), 409, "CONFLICT");
    const other = await otherOrganization(up);
    const theirs = await createPage(up, { title: "Theirs" }, other.headers);
    const res = await claim(theirs.id, domain, other.headers);
    expect(expectProblem(res, 409, "CONFLICT").errors).toEqual([
      { path: "body.domain", message: "is taken" },
    ]);
  });

  it("allows at most 5 domains per page", async () => {
    const fresh = await createPage(up, { title: "Many domains" });
    for (let i = 0; i < 5; i++) expect((await claim(fresh.id, uniqueDomain())).statusCode).toBe(201);
    expectProblem(await claim(fresh.id, uniqueDomain()), 429, "LIMIT_EXCEEDED");
  });

  it("verifies only when the TXT record holds the token", async () => {
    const domain = uniqueDomain();
    const body = (await claim(page.id, domain)).json<DomainJson>();
    const missing = expectProblem(await verify(page.id, domain), 422, "PRECONDITION_FAILED");
    expect(missing.detail).toContain("0 TXT record");
    dns.setTxt(body.verification.name, ["upblit-verify-someone-elses-token", "v=spf1 -all"]);
    expectProblem(await verify(page.id, domain), 422, "PRECONDITION_FAILED");
    let list = (await call(up, "GET", `${API}/status-pages/${page.id}/domains`)).json<{
      items: DomainJson[];
    }>();
    const checked = list.items.find((d) => d.domain === domain);
    expect(checked?.verified).toBe(false);
    expect(checked?.lastCheckedAt).not.toBeNull();
    expect(dns.asked).toContain(`${body.verification.name}/TXT`);

    dns.setTxt(body.verification.name, ["v=spf1 -all", body.verification.value]);
    const ok = await verify(page.id, domain);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<DomainJson>()).toMatchObject({ domain, verified: true });
    list = (await call(up, "GET", `${API}/status-pages/${page.id}/domains`)).json<{ items: DomainJson[] }>();
    expect(list.items.find((d) => d.domain === domain)?.verifiedAt).not.toBeNull();
    const entries = (await auditLogPage(up, "action=status_page.domain_verify")).items;
    expect(entries.some((e) => e.summary.domain === domain)).toBe(true);
  });

  it("serves the page on a verified domain, at / and its JSON, and nothing else there", async () => {
    const { domain } = await verifiedDomain();
    const html = await visit(up, "/", { headers: { host: domain } });
    expect(html.statusCode, html.body).toBe(200);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.body).toContain("Acme Domain Status");
    expect(html.body).toContain("Website");
    const withPort = await visit(up, "/?ref=x", { headers: { host: `${domain.toUpperCase()}:443` } });
    expect(withPort.body).toContain("Acme Domain Status");
    const summary = await visit(up, "/api/v2/summary.json", { headers: { host: domain } });
    expect(summary.statusCode).toBe(200);
    expect(summary.json<{ page: { id: string; name: string } }>().page).toMatchObject({
      id: page.id,
      name: "Acme Domain Status",
    });
    const status = await visit(up, "/api/v2/status.json", { headers: { host: domain } });
    expect(status.json<{ page: { id: string } }>().page.id).toBe(page.id);
    for (const path of [
      "components",
      "incidents",
      "incidents/unresolved",
      "scheduled-maintenances",
      "scheduled-maintenances/upcoming",
      "scheduled-maintenances/active",
    ]) {
      const list = await visit(up, `/api/v2/${path}.json`, { headers: { host: domain } });
      expect(list.statusCode, path).toBe(200);
      expect(list.json<{ page: { id: string } }>().page.id, path).toBe(page.id);
    }
    // What a TLS proxy asks before getting a certificate for the domain (Caddy's on-demand TLS).
    const check = await visit(up, `/status-domains/check?domain=${domain.toUpperCase()}`);
    expect(check.statusCode, check.body).toBe(200);
    const own = await visit(up, `/status/${page.slug}`, { headers: { host: domain } });
    expect(own.body).toContain("Acme Domain Status");

    const another = await createPage(up, { title: "Not On This Domain" });
    const elsewhere = await visit(up, `/status/${another.slug}`, { headers: { host: domain } });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.body).not.toContain("Not On This Domain");
    const management = await call(up, "GET", `${API}/status-pages`, undefined, { host: domain });
    expect(management.statusCode).toBe(404);
    expect(management.body).not.toContain(page.id);
  });

  it("does not serve the page on a claimed but unverified domain, nor on an unknown host", async () => {
    const page = await createPage(up, { title: "Acme Domain Status" });
    const domain = uniqueDomain();
    const body = (await claim(page.id, domain)).json<DomainJson>();
    dns.setTxt(body.verification.name, ["wrong"]);
    for (const host of [domain, uniqueDomain("nobody")]) {
      expect((await visit(up, `/status-domains/check?domain=${host}`)).statusCode).toBe(404);
      const res = await visit(up, "/", { headers: { host } });
      expect(res.body).not.toContain("Acme Domain Status");
      const json = await visit(up, "/api/v2/summary.json", { headers: { host } });
      expect(json.statusCode).toBe(404);
    }
  });

  it("stops serving a domain once it is released or its record no longer holds the token", async () => {
    const page = await createPage(up, { title: "Acme Domain Status" });
    const released = await verifiedDomain(page);
    const del = await call(up, "DELETE", `${API}/status-pages/${page.id}/domains/${released.domain}`);
    expect(del.statusCode, del.body).toBe(204);
    expect((await visit(up, "/", { headers: { host: released.domain } })).body).not.toContain(
      "Acme Domain Status",
    );

    const withdrawn = await verifiedDomain(page);
    dns.failing.add(withdrawn.verification.name);
    expectProblem(await verify(page.id, withdrawn.domain), 422, "PRECONDITION_FAILED");
    // A DNS failure proves nothing either way: the domain stays verified.
    expect((await visit(up, "/", { headers: { host: withdrawn.domain } })).body).toContain(
      "Acme Domain Status",
    );
    dns.failing.delete(withdrawn.verification.name);
    dns.setTxt(withdrawn.verification.name, ["something else"]);
    expectProblem(await verify(page.id, withdrawn.domain), 422, "PRECONDITION_FAILED");
    expect((await visit(up, "/", { headers: { host: withdrawn.domain } })).body).not.toContain(
      "Acme Domain Status",
    );
  });

  it("follows a slug change and a deleted page", async () => {
    const fresh = await createPage(up, { title: "Moving Page" });
    const { domain } = await verifiedDomain(fresh);
    const renamed = await call(up, "PATCH", `${API}/status-pages/${fresh.id}`, { slug: `${fresh.slug}-new` });
    expect(renamed.statusCode, renamed.body).toBe(200);
    await expect
      .poll(async () => (await visit(up, "/", { headers: { host: domain } })).body)
      .toContain("Moving Page");
    expect((await call(up, "DELETE", `${API}/status-pages/${fresh.id}`)).statusCode).toBe(204);
    await expect
      .poll(async () => (await visit(up, "/", { headers: { host: domain } })).body)
      .not.toContain("Moving Page");
  });

  it("hides another organization's page and domains (404), and viewers may only read", async () => {
    const page = await createPage(up, { title: "Hidden" });
    const domain = uniqueDomain();
    expect((await claim(page.id, domain)).statusCode).toBe(201);
    const other = await otherOrganization(up);
    expectProblem(
      await call(up, "GET", `${API}/status-pages/${page.id}/domains`, undefined, other.headers),
      404,
      "NOT_FOUND",
    );
    expectProblem(await claim(page.id, uniqueDomain(), other.headers), 404, "NOT_FOUND");
    expectProblem(await verify(page.id, domain, other.headers), 404, "NOT_FOUND");
    const del = await call(
      up,
      "DELETE",
      `${API}/status-pages/${page.id}/domains/${domain}`,
      undefined,
      other.headers,
    );
    expectProblem(del, 404, "NOT_FOUND");
    const viewer = await signInAs(up, "viewer");
    expect(
      (await call(up, "GET", `${API}/status-pages/${page.id}/domains`, undefined, viewer.headers)).statusCode,
    ).toBe(200);
    expectProblem(await claim(page.id, uniqueDomain(), viewer.headers), 403, "FORBIDDEN");
  });
});
