import { createHash } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSetupLink } from "../../services/accounts/setup.ts";
import { countUsers } from "../../services/accounts/users.ts";
import { RATE_LIMITS } from "../../services/rate-limit/settings.ts";
import { API, API_ONLY } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const PASSWORD = "a long enough passphrase";

let ipCounter = 0;
/** A client address per test, so one test's failed attempts never slow down another. */
function freshIp(): string {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

function getPage(up: TestUpblit, url: string): Promise<LightMyRequestResponse> {
  return up.app!.inject({ method: "GET", url });
}

function postForm(
  up: TestUpblit,
  fields: Record<string, string>,
  ip = freshIp(),
): Promise<LightMyRequestResponse> {
  return up.app!.inject({
    method: "POST",
    url: "/setup",
    payload: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    remoteAddress: ip,
  });
}

/** The value attribute of the input named `name`, decoded as a browser would. */
function inputValue(html: string, name: string): string | undefined {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return match?.[1]
    ?.replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

function expectPageHeaders(res: LightMyRequestResponse): void {
  expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  const csp = String(res.headers["content-security-policy"]);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
  // The one inline stylesheet is the one the policy allows, by its hash.
  const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? "";
  const hash = createHash("sha256").update(style).digest("base64");
  expect(csp).toContain(`style-src 'sha256-${hash}'`);
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["referrer-policy"]).toBe("no-referrer");
  expect(res.headers["cache-control"]).toBe("no-store");
}

describe.each(DB_KINDS)("the first-run setup page on %s", (kind) => {
  let up: TestUpblit;
  let token: string;
  const valid = () => ({
    token,
    email: "Founder@Example.com",
    name: "Ada Founder",
    password: PASSWORD,
    organizationName: "Acme Ops",
  });

  beforeAll(async () => {
    // The production limits, so the rate-limit test shows they apply to this form.
    up = await startTestUpblit(kind, API_ONLY, { bootstrap: false, rateLimits: RATE_LIMITS });
    token = new URL(up.setupUrl!).searchParams.get("token")!;
  });
  afterAll(async () => {
    await up?.close();
  });

  it("GET /setup?token=… shows the form with the token in a hidden field, under a strict CSP", async () => {
    const res = await getPage(up, `/setup?token=${token}`);
    expect(res.statusCode).toBe(200);
    expectPageHeaders(res);
    expect(res.body).toContain('<form method="post" action="/setup">');
    expect(inputValue(res.body, "token")).toBe(token);
    for (const field of ["email", "name", "password", "organizationName"]) {
      expect(res.body).toContain(`name="${field}"`);
    }
    expect(res.body).not.toMatch(/<script/i);
  });

  it.each([
    ['"><script>alert(1)</script>'],
    ["' autofocus onfocus='alert(1)"],
    ["</style><img src=x onerror=alert(1)>"],
    ["&quot;><b>bold</b>"],
  ])("HTML in the token query parameter is escaped: %s", async (payload) => {
    const res = await getPage(up, `/setup?token=${encodeURIComponent(payload)}`);
    expect(res.statusCode).toBe(200);
    expectPageHeaders(res);
    expect(res.body).not.toContain(payload);
    // No new element and no way out of the attribute's quotes.
    expect(res.body).not.toMatch(/<script|<img|<b>|' autofocus/i);
    // The page still works: the hidden field holds exactly what was in the link.
    expect(inputValue(res.body, "token")).toBe(payload);
  });

  it("GET /setup without a token explains where the link comes from, with no form", async () => {
    const res = await getPage(up, "/setup");
    expect(res.statusCode).toBe(200);
    expectPageHeaders(res);
    // The command is shown as code, not as Markdown backticks escaped into the text.
    expect(res.body).toContain("<code>upblit setup-link</code>");
    expect(res.body).not.toContain("`");
    expect(res.body).not.toContain("<form");
  });

  it("invalid fields re-render the form with every message and the typed values, never the password", async () => {
    const res = await postForm(up, {
      token,
      email: "not-an-email",
      name: "Ada <b>Founder</b>",
      password: "1234567890",
      organizationName: "   ",
    });
    expect(res.statusCode).toBe(400);
    expectPageHeaders(res);
    expect(res.body).toContain('id="email-error">must be an email address');
    expect(res.body).toContain('id="organizationName-error">is required');
    expect(res.body).toContain('id="password-error">is too common; choose another');
    expect(inputValue(res.body, "email")).toBe("not-an-email");
    expect(inputValue(res.body, "name")).toBe("Ada <b>Founder</b>");
    expect(res.body).not.toContain("<b>Founder</b>");
    expect(inputValue(res.body, "token")).toBe(token);
    expect(res.body).not.toMatch(/name="password"[^>]*value=/);
    expect(await countUsers(up.rt.db)).toBe(0);
  });

  it("a password that contains the email's name is refused before the token is tried", async () => {
    const res = await postForm(up, { ...valid(), password: "founder-and-more-words" });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("must not contain your email address");
    expect(inputValue(res.body, "email")).toBe("Founder@Example.com");
    expect(await countUsers(up.rt.db)).toBe(0);
  });

  it("a wrong token re-renders the form with the link error and creates nothing", async () => {
    const res = await postForm(up, { ...valid(), token: "not-the-token" });
    expect(res.statusCode).toBe(401);
    expectPageHeaders(res);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain("The setup link is not valid");
    expect(inputValue(res.body, "organizationName")).toBe("Acme Ops");
    expect(res.body).not.toContain(PASSWORD);
    expect(await countUsers(up.rt.db)).toBe(0);
  });

  it("only urlencoded forms are read: JSON gets 415 and an oversized body 413, as pages", async () => {
    const json = await up.app!.inject({ method: "POST", url: "/setup", payload: valid() });
    expect(json.statusCode).toBe(415);
    expectPageHeaders(json);
    const big = await postForm(up, { ...valid(), name: "x".repeat(20_000) });
    expect(big.statusCode).toBe(413);
    expectPageHeaders(big);
    expect(await countUsers(up.rt.db)).toBe(0);
  });

  it("repeated wrong tokens hit the credential rate limit: 429 page with Retry-After", async () => {
    const ip = freshIp();
    const attempt = () => postForm(up, { ...valid(), email: "guesser@example.com", token: "guess" }, ip);
    let res = await attempt();
    for (let i = 0; i < 10 && res.statusCode === 401; i++) res = await attempt();
    expect(res.statusCode).toBe(429);
    expectPageHeaders(res);
    expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(res.body).toContain('role="alert"');
    expect(await countUsers(up.rt.db)).toBe(0);
  });

  it("a form POST creates the owner and the organization, signs them in with cookies and says welcome", async () => {
    const res = await postForm(up, valid());
    expect(res.statusCode, res.body).toBe(200);
    expectPageHeaders(res);
    expect(res.body).toContain("founder@example.com");
    expect(res.body).toContain('href="/api/docs"');
    expect(res.body).not.toContain(PASSWORD);

    const cookies = new Map(res.cookies.map((c) => [c.name, c]));
    const access = cookies.get("upblit-access");
    expect(access?.httpOnly).toBe(true);
    expect(access?.sameSite).toBe("Lax");
    expect(cookies.get("upblit-refresh")?.httpOnly).toBe(true);
    expect(cookies.get("upblit-refresh")?.path).toBe("/api/v1/auth");
    expect(cookies.get("upblit-csrf")?.value).toBeTruthy();

    // The access cookie is a working session of the new owner in the new organization.
    const me = await up.app!.inject({
      method: "GET",
      url: `${API}/me`,
      cookies: { "upblit-access": access!.value },
    });
    expect(me.statusCode, me.body).toBe(200);
    const body = me.json<{
      email: string;
      name: string;
      organizations: Array<{ name: string; role: string }>;
    }>();
    expect(body.email).toBe("founder@example.com");
    expect(body.name).toBe("Ada Founder");
    expect(body.organizations).toEqual([expect.objectContaining({ name: "Acme Ops", role: "owner" })]);
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .select(["action", "actor_label"])
      .where("action", "=", "setup.complete")
      .execute();
    expect(audit).toEqual([{ action: "setup.complete", actor_label: "founder@example.com" }]);
  });

  it("once set up: GET /setup says so without a form, and a second setup is refused", async () => {
    const page = await getPage(up, `/setup?token=${token}`);
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page);
    expect(page.body).toContain("Upblit is set up");
    expect(page.body).not.toContain("<form");

    const again = await postForm(up, { ...valid(), email: "intruder@example.com" });
    expect(again.statusCode).toBe(401);
    expect(again.body).toContain("The setup link is not valid");
    expect(again.cookies).toEqual([]);
    expect(await createSetupLink(up.rt)).toBeUndefined();
    expect(await countUsers(up.rt.db)).toBe(1);
  });
});
