import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization, signInAs } from "../test/accounts.ts";
import { API, API_ONLY, call, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { ROOMY_RATE_LIMITS, startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const PASSWORD = "tangerine submarine";
const form = (password: string) => `password=${encodeURIComponent(password)}`;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** The page's access cookie from a login answer, as a Cookie header value. */
function cookieFrom(res: { headers: Record<string, unknown> }): { header: string; raw: string } {
  const raw = [res.headers["set-cookie"]].flat().map(String)[0] ?? "";
  return { header: raw.split(";")[0]!, raw };
}

/**
 * Password-protected and members-only pages refuse without access, on every route (page, JSON,
 * stream), reveal nothing of the page when they refuse, and the password login is rate-limited.
 */
describe.each(DB_KINDS)("status page access on %s", (kind) => {
  let up: TestUpblit;
  let locked: PageJson;
  let members: PageJson;
  let monitorId: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    monitorId = (await createMonitor(up, monitorBody("http"))).id;
    const groups = [{ name: "Core", components: [{ monitorId, displayName: "Secret API" }] }];
    locked = await createPage(up, {
      title: "Locked Title",
      visibility: "password",
      password: PASSWORD,
      groups,
    });
    members = await createPage(up, { title: "Members Title", visibility: "members", groups });
  });
  afterAll(async () => up?.close());

  const routes = (slug: string) => [
    `/status/${slug}`,
    `/status/${slug}/api/v2/summary.json`,
    `/status/${slug}/api/v2/status.json`,
    `/status/${slug}/events`,
  ];

  it("refuses a password page without its cookie, showing only the form", async () => {
    const res = await visit(up, `/status/${locked.slug}`);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain(`<form method="post" action="/status/${locked.slug}/login">`);
    expect(res.body).not.toMatch(/Locked Title|Secret API/);
    expect(res.headers["cache-control"]).toBe("no-store");
    for (const url of routes(locked.slug).slice(1)) {
      const refused = await visit(up, url);
      expect(refused.statusCode, url).toBe(401);
      expect(refused.body).not.toMatch(/Locked Title|Secret API/);
    }
    expect((await visit(up, `/badge/${monitorId}/status.svg`)).statusCode).toBe(404);
  });

  it("lets in whoever types the password, with a page-scoped HttpOnly cookie", async () => {
    const wrong = await visit(up, `/status/${locked.slug}/login`, {
      method: "POST",
      headers: FORM,
      payload: form("nope nope nope"),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain("Wrong password");
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const login = await visit(up, `/status/${locked.slug}/login`, {
      method: "POST",
      headers: FORM,
      payload: form(PASSWORD),
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe(`/status/${locked.slug}`);
    const cookie = cookieFrom(login);
    expect(cookie.raw).toMatch(new RegExp(`^upblit-page-${locked.id}=`));
    expect(cookie.raw).toContain(`Path=/status/${locked.slug}`);
    expect(cookie.raw).toContain("HttpOnly");
    expect(cookie.raw).toContain("SameSite=Lax");
    expect(cookie.raw).not.toContain(PASSWORD);

    const page = await visit(up, `/status/${locked.slug}`, { headers: { cookie: cookie.header } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<h1>Locked Title</h1>");
    expect(page.headers["cache-control"]).toBe("private, no-cache");
    expect(String(page.headers.vary).split(/,\s*/)).toContain("Cookie");
    expect(page.body).toContain('<meta name="robots" content="noindex">');
    const json = await visit(up, `/status/${locked.slug}/api/v2/summary.json`, {
      headers: { cookie: cookie.header },
    });
    expect(json.statusCode).toBe(200);
    expect(json.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses tampered cookies, another page's cookie, and old cookies after a password change", async () => {
    const login = await visit(up, `/status/${locked.slug}/login`, {
      method: "POST",
      headers: FORM,
      payload: form(PASSWORD),
    });
    const { header } = cookieFrom(login);
    const [name, value] = header.split("=") as [string, string];
    const [expires, sig] = value.split(".") as [string, string];
    const tampered = [
      `${name}=${Number(expires) + 86_400}.${sig}`,
      `${name}=${expires}.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`,
      `${name}=garbage`,
    ];
    for (const cookie of tampered) {
      expect((await visit(up, `/status/${locked.slug}`, { headers: { cookie } })).statusCode, cookie).toBe(
        401,
      );
    }
    const twin = await createPage(up, { visibility: "password", password: PASSWORD });
    const onTwin = `upblit-page-${twin.id}=${value}`;
    expect((await visit(up, `/status/${twin.slug}`, { headers: { cookie: onTwin } })).statusCode).toBe(401);

    expect((await visit(up, `/status/${locked.slug}`, { headers: { cookie: header } })).statusCode).toBe(200);
    const changed = await call(up, "PATCH", `${API}/status-pages/${locked.id}`, {
      password: "a brand new secret",
    });
    expect(changed.statusCode).toBe(200);
    expect((await visit(up, `/status/${locked.slug}`, { headers: { cookie: header } })).statusCode).toBe(401);
    const relogin = await visit(up, `/status/${locked.slug}/login`, {
      method: "POST",
      headers: FORM,
      payload: form("a brand new secret"),
    });
    expect(relogin.statusCode).toBe(303);
    await call(up, "PATCH", `${API}/status-pages/${locked.id}`, { password: PASSWORD });
  });

  /** Every route of a page a visitor can reach, with how to ask. */
  const everyRoute = (slug: string): Array<[string, Parameters<typeof visit>[2]]> => [
    ...routes(slug).map((url): [string, Parameters<typeof visit>[2]] => [url, {}]),
    ...[
      "components.json",
      "incidents.json",
      "incidents/unresolved.json",
      "scheduled-maintenances.json",
      "scheduled-maintenances/upcoming.json",
      "scheduled-maintenances/active.json",
    ].map((p): [string, Parameters<typeof visit>[2]] => [`/status/${slug}/api/v2/${p}`, {}]),
    [`/status/${slug}/feed.rss`, {}],
    [`/status/${slug}/feed.atom`, {}],
    [`/status/${slug}?page=2`, {}],
    [`/status/${slug}/login`, { method: "POST", headers: FORM, payload: form(PASSWORD) }],
    [
      `/status/${slug}/subscribe`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        payload: '{"email":"a@example.com"}',
      },
    ],
    [`/status/${slug}/subscribe`, { method: "POST", headers: FORM, payload: "email=a%40example.com" }],
  ];
  /** An answer with what differs between any two requests (ids, nonces, dates) taken out. */
  const comparable = (res: Awaited<ReturnType<typeof visit>>) => {
    const headers = { ...res.headers };
    for (const h of ["date", "x-request-id", "content-security-policy", "content-length"]) delete headers[h];
    const body = res.body
      .replace(/req_[0-9a-z]{26}/g, "req_")
      .replace(/nonce-[^']+'/g, "nonce-'")
      .replace(/nonce="[^"]+"/g, 'nonce=""');
    return { status: res.statusCode, headers, body };
  };

  it("answers every route of a members page to a non-member exactly like an unknown slug", async () => {
    const stranger = await otherOrganization(up, "Outsiders");
    const viewer = await signInAs(up, "viewer");
    await call(up, "POST", `${API}/auth/logout`, {}, viewer.headers);
    const visitors: Record<string, Record<string, string>> = {
      anonymous: {},
      "other organization": { cookie: `upblit-access=${stranger.accessToken}` },
      "API key": { authorization: `Bearer ${up.apiKey}` },
      forged: { cookie: `upblit-access=${stranger.accessToken.slice(0, -2)}xx` },
      "signed out": { cookie: `upblit-access=${viewer.accessToken}` },
    };
    const unknown = "no-page-has-this-slug";
    const known = everyRoute(members.slug);
    const absent = everyRoute(unknown);
    for (const [who, headers] of Object.entries(visitors)) {
      for (const [i, [url, options]] of known.entries()) {
        const ask = { ...options, headers: { ...options?.headers, ...headers } };
        const res = await visit(up, url, ask);
        const none = await visit(up, absent[i]![0], ask);
        expect(none.statusCode, `${who} ${url}`).toBe(404);
        expect(comparable(res), `${who} ${url}`).toEqual(comparable(none));
        expect(res.body).not.toMatch(/Members Title|Secret API|private/);
      }
    }
  });

  it("shows a members page only to signed-in members of its organization", async () => {
    const anonymous = await visit(up, `/status/${members.slug}`);
    expect(anonymous.statusCode).toBe(404);
    expect(anonymous.body).not.toMatch(/Members Title|Secret API/);

    const viewer = await signInAs(up, "viewer");
    const asMember = { cookie: `upblit-access=${viewer.accessToken}` };
    for (const url of routes(members.slug).slice(0, 3)) {
      expect((await visit(up, url, { headers: asMember })).statusCode, url).toBe(200);
    }
    expect((await visit(up, `/status/${members.slug}`, { headers: asMember })).body).toContain(
      "Members Title",
    );
    const login = await visit(up, `/status/${members.slug}/login`, {
      method: "POST",
      headers: { ...FORM, ...asMember },
      payload: form(PASSWORD),
    });
    expect(login.statusCode).toBe(303);

    const stranger = await otherOrganization(up, "Strangers");
    const asStranger = { cookie: `upblit-access=${stranger.accessToken}` };
    for (const url of routes(members.slug)) {
      expect((await visit(up, url, { headers: asStranger })).statusCode, url).toBe(404);
    }
    await call(up, "POST", `${API}/auth/logout`, {}, viewer.headers);
    expect((await visit(up, `/status/${members.slug}`, { headers: asMember })).statusCode).toBe(404);
  });

  it("redirects the login of a public page to the page", async () => {
    const open = await createPage(up, { title: "Open" });
    const res = await visit(up, `/status/${open.slug}/login`, {
      method: "POST",
      headers: FORM,
      payload: form(PASSWORD),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(
      (await visit(up, "/status/nothing-here/login", { method: "POST", headers: FORM, payload: form("x") }))
        .statusCode,
    ).toBe(404);
  });
});

describe("status page login rate limit", () => {
  let up: TestUpblit;
  let page: PageJson;

  beforeAll(async () => {
    up = await startTestUpblit("pglite", API_ONLY, {
      rateLimits: {
        ...ROOMY_RATE_LIMITS,
        credentials: {
          ...ROOMY_RATE_LIMITS.credentials,
          ip: { free: 3, memorySeconds: 600 },
          backoffFirstSeconds: 60,
        },
      },
    });
    page = await createPage(up, { visibility: "password", password: PASSWORD });
  });
  afterAll(async () => up?.close());

  it("backs off an address after its free failures, even for the right password", async () => {
    const attempt = (password: string) =>
      visit(up, `/status/${page.slug}/login`, {
        method: "POST",
        headers: FORM,
        payload: form(password),
        ip: "203.0.113.9",
      });
    for (let i = 0; i < 3; i++) expect((await attempt(`wrong guess ${i}`)).statusCode).toBe(401);
    const fourth = await attempt("wrong guess 3");
    expect(fourth.statusCode).toBe(401);
    const blocked = await attempt(PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.body).toContain("Too many");
    expect(blocked.headers["set-cookie"]).toBeUndefined();
    const elsewhere = await visit(up, `/status/${page.slug}/login`, {
      method: "POST",
      headers: FORM,
      payload: form(PASSWORD),
      ip: "203.0.113.10",
    });
    expect(elsewhere.statusCode).toBe(303);
  });
});
