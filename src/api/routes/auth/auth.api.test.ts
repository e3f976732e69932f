import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { signToken } from "../../../services/auth/access-tokens.ts";
import { otherOrganization, signInAs, TEST_PASSWORD, type TestUser } from "../../../test/accounts.ts";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Splits Set-Cookie headers into name → attributes string. */
function cookiesOf(res: { headers: Record<string, unknown> }): Map<string, string> {
  const raw = res.headers["set-cookie"];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  return new Map(list.map((c: string) => [c.slice(0, c.indexOf("=")), c]));
}

describe.each(DB_KINDS)("sign-in and sessions on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, { clock });
  });
  afterAll(async () => up?.close());

  const me = (token: string) => call(up, "GET", `${API}/me`, undefined, bearer(token));
  const refresh = (refreshToken: string) =>
    call(up, "POST", `${API}/auth/refresh`, { refreshToken }, { authorization: "" });

  it("refuses every protected route without a credential, with 401 and WWW-Authenticate", async () => {
    for (const url of [`${API}/monitors`, `${API}/incidents`, `${API}/me`, `${API}/auth/sessions`]) {
      const res = await call(up, "GET", url, undefined, { authorization: "" });
      expectProblem(res, 401, "UNAUTHENTICATED");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    }
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const user = await signInAs(up, "viewer");
    const wrong = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: user.email, password: "not the password" },
      { authorization: "" },
    );
    const unknown = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: "nobody@example.com", password: "not the password" },
      { authorization: "" },
    );
    const a = expectProblem(wrong, 401, "UNAUTHENTICATED");
    const b = expectProblem(unknown, 401, "UNAUTHENTICATED");
    expect({ ...a, requestId: "" }).toEqual({ ...b, requestId: "" });
  });

  it("accepts an email in any case and rejects an over-long password without hashing it", async () => {
    const user = await signInAs(up, "viewer");
    const ok = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: user.email.toUpperCase(), password: TEST_PASSWORD },
      { authorization: "" },
    );
    expect(ok.statusCode).toBe(200);
    const long = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: user.email, password: "x".repeat(10_000) },
      { authorization: "" },
    );
    expect(long.statusCode).toBe(400);
  });

  describe("access tokens", () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await signInAs(up, "editor");
    });

    it("work until they expire after 15 minutes", async () => {
      const fresh = await signInAs(up, "viewer");
      expect((await me(fresh.accessToken)).statusCode).toBe(200);
      clock.advance(15 * 60_000 + 1_000);
      const res = await me(fresh.accessToken);
      expect(expectProblem(res, 401, "UNAUTHENTICATED").detail).toMatch(/expired/);
    });

    it("are refused when tampered with", async () => {
      const [h, p, s] = user.accessToken.split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, "base64url").toString());
      const forms = [
        `${h}.${b64({ ...claims, sub: up.ownerId })}.${s}`, // someone else's id, old signature
        `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`, // signature changed
        `${h}.${b64({ ...claims, exp: claims.exp + 86_400 })}.${s}`, // longer life
        `${user.accessToken}x`,
        "not.a.jwt",
      ];
      for (const token of forms) expectProblem(await me(token), 401, "UNAUTHENTICATED");
    });

    it("are refused when signed with another key or another algorithm", async () => {
      const claims = {
        sid:
          user.accessToken &&
          JSON.parse(Buffer.from(user.accessToken.split(".")[1]!, "base64url").toString()).sid,
      };
      const now = Math.floor(clock.now() / 1000);
      const base = new SignJWT(claims)
        .setSubject(user.userId)
        .setIssuer("upblit")
        .setAudience("upblit:access")
        .setIssuedAt(now)
        .setExpirationTime(now + 600);
      const otherKey = new TextEncoder().encode("an attacker's key that is long enough to sign");
      const wrongKey = await base.setProtectedHeader({ alg: "HS256" }).sign(otherKey);
      expectProblem(await me(wrongKey), 401, "UNAUTHENTICATED");

      const payload = b64({
        ...claims,
        sub: user.userId,
        iss: "upblit",
        aud: "upblit:access",
        iat: now,
        exp: now + 600,
      });
      const none = `${b64({ alg: "none", typ: "JWT" })}.${payload}.`;
      expectProblem(await me(none), 401, "UNAUTHENTICATED");
      // HS512 with the real key material is still refused: the algorithm is pinned.
      const hs512Input = `${b64({ alg: "HS512", typ: "JWT" })}.${payload}`;
      const hs512 = `${hs512Input}.${createHmac("sha512", Buffer.from(up.rt.keys.jwt)).update(hs512Input).digest("base64url")}`;
      expectProblem(await me(hs512), 401, "UNAUTHENTICATED");
      // The same claims signed the right way work, so the refusals above are about the signature.
      const good = `${b64({ alg: "HS256", typ: "JWT" })}.${payload}`;
      const signed = `${good}.${createHmac("sha256", Buffer.from(up.rt.keys.jwt)).update(good).digest("base64url")}`;
      expect((await me(signed)).statusCode).toBe(200);
    });

    it("of one kind are not accepted as another", async () => {
      const mfa = await signToken(up.rt.keys.jwt, "mfa", { sub: user.userId, sid: "ses_x" }, clock.now());
      expectProblem(await me(mfa), 401, "UNAUTHENTICATED");
      // Too long to be a refresh token at all (400), and never a token pair.
      const asRefresh = await refresh(user.accessToken);
      expect([400, 401]).toContain(asRefresh.statusCode);
      expect(asRefresh.json()).not.toHaveProperty("accessToken");
      expectProblem(await me(user.refreshToken), 401, "UNAUTHENTICATED");
    });
  });

  describe("refresh tokens", () => {
    it("rotate on every use", async () => {
      const user = await signInAs(up, "viewer");
      const first = await refresh(user.refreshToken);
      expect(first.statusCode, first.body).toBe(200);
      const pair = first.json<{ accessToken: string; refreshToken: string }>();
      expect(pair.refreshToken).not.toBe(user.refreshToken);
      expect((await me(pair.accessToken)).statusCode).toBe(200);
      expect((await refresh(pair.refreshToken)).statusCode).toBe(200);
    });

    it("revoke the whole family when a spent token is reused after the grace period", async () => {
      const user = await signInAs(up, "viewer");
      const next = (await refresh(user.refreshToken)).json<{ accessToken: string; refreshToken: string }>();
      clock.advance(11_000);
      expectProblem(await refresh(user.refreshToken), 401, "UNAUTHENTICATED");
      // Everything of that session is dead now: the newest refresh token and its access token.
      expectProblem(await refresh(next.refreshToken), 401, "UNAUTHENTICATED");
      expectProblem(await me(next.accessToken), 401, "UNAUTHENTICATED");
      expectProblem(await me(user.accessToken), 401, "UNAUTHENTICATED");
    });

    it("allow two tabs to refresh with the same token within the grace period", async () => {
      const user = await signInAs(up, "viewer");
      expect((await refresh(user.refreshToken)).statusCode).toBe(200);
      clock.advance(2_000);
      const second = await refresh(user.refreshToken);
      expect(second.statusCode).toBe(200);
      expect((await me(second.json<{ accessToken: string }>().accessToken)).statusCode).toBe(200);
    });

    it("are refused when unknown or garbage", async () => {
      for (const t of ["", "x", "a".repeat(43), "upb_notarefreshtoken"]) {
        const res = await call(up, "POST", `${API}/auth/refresh`, t ? { refreshToken: t } : {}, {
          authorization: "",
        });
        expect([400, 401]).toContain(res.statusCode);
      }
    });
  });

  describe("ending sessions", () => {
    it("logout ends the access and refresh tokens of that session only", async () => {
      const user = await signInAs(up, "viewer");
      const second = (
        await call(
          up,
          "POST",
          `${API}/auth/login`,
          { email: user.email, password: TEST_PASSWORD },
          { authorization: "" },
        )
      ).json<{ accessToken: string }>();
      const res = await call(up, "POST", `${API}/auth/logout`, undefined, user.headers);
      expect(res.statusCode).toBe(204);
      expectProblem(await me(user.accessToken), 401, "UNAUTHENTICATED");
      expectProblem(await refresh(user.refreshToken), 401, "UNAUTHENTICATED");
      expect((await me(second.accessToken)).statusCode).toBe(200);
    });

    it("logout everywhere ends every session of the account", async () => {
      const user = await signInAs(up, "viewer");
      const second = (
        await call(
          up,
          "POST",
          `${API}/auth/login`,
          { email: user.email, password: TEST_PASSWORD },
          { authorization: "" },
        )
      ).json<{ accessToken: string }>();
      expect(
        (await call(up, "POST", `${API}/auth/logout-everywhere`, undefined, user.headers)).statusCode,
      ).toBe(204);
      expectProblem(await me(user.accessToken), 401, "UNAUTHENTICATED");
      expectProblem(await me(second.accessToken), 401, "UNAUTHENTICATED");
    });

    it("a password change ends the other sessions and the old password", async () => {
      const user = await signInAs(up, "viewer");
      const other = (
        await call(
          up,
          "POST",
          `${API}/auth/login`,
          { email: user.email, password: TEST_PASSWORD },
          { authorization: "" },
        )
      ).json<{ accessToken: string; refreshToken: string }>();
      const weak = await call(
        up,
        "POST",
        `${API}/me/password`,
        { currentPassword: TEST_PASSWORD, newPassword: "password123" },
        user.headers,
      );
      expect(expectProblem(weak, 400, "VALIDATION").errors[0]?.path).toBe("body.newPassword");
      const wrong = await call(
        up,
        "POST",
        `${API}/me/password`,
        { currentPassword: "not it at all", newPassword: "a brand new passphrase" },
        user.headers,
      );
      expectProblem(wrong, 403, "FORBIDDEN");
      const ok = await call(
        up,
        "POST",
        `${API}/me/password`,
        { currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase" },
        user.headers,
      );
      expect(ok.statusCode, ok.body).toBe(204);
      expect((await me(user.accessToken)).statusCode).toBe(200);
      expectProblem(await me(other.accessToken), 401, "UNAUTHENTICATED");
      expectProblem(await refresh(other.refreshToken), 401, "UNAUTHENTICATED");
      const old = await call(
        up,
        "POST",
        `${API}/auth/login`,
        { email: user.email, password: TEST_PASSWORD },
        { authorization: "" },
      );
      expectProblem(old, 401, "UNAUTHENTICATED");
    });

    it("lists your own sessions and revokes one; another person's session is not found", async () => {
      const user = await signInAs(up, "viewer");
      const stranger = await signInAs(up, "viewer");
      const list = (await call(up, "GET", `${API}/auth/sessions`, undefined, user.headers)).json<{
        items: Array<{ id: string; current: boolean }>;
      }>();
      expect(list.items).toHaveLength(1);
      expect(list.items[0]!.current).toBe(true);
      const theirs = (await call(up, "GET", `${API}/auth/sessions`, undefined, stranger.headers)).json<{
        items: Array<{ id: string }>;
      }>().items[0]!.id;
      const foreign = await call(up, "DELETE", `${API}/auth/sessions/${theirs}`, undefined, user.headers);
      const missing = await call(
        up,
        "DELETE",
        `${API}/auth/sessions/ses_doesnotexist`,
        undefined,
        user.headers,
      );
      expect(expectProblem(foreign, 404, "NOT_FOUND").title).toBe(
        expectProblem(missing, 404, "NOT_FOUND").title,
      );
      expect((await me(stranger.accessToken)).statusCode).toBe(200);
      expect(
        (await call(up, "DELETE", `${API}/auth/sessions/${list.items[0]!.id}`, undefined, user.headers))
          .statusCode,
      ).toBe(204);
      expectProblem(await me(user.accessToken), 401, "UNAUTHENTICATED");
    });

    it("API keys cannot use the routes of a person's own account", async () => {
      expectProblem(await call(up, "GET", `${API}/me`), 403, "FORBIDDEN");
      expectProblem(await call(up, "POST", `${API}/auth/logout-everywhere`), 403, "FORBIDDEN");
    });
  });

  describe("organizations of a session", () => {
    it("acts in the credential's organization and switches only to one the person belongs to", async () => {
      const other = await otherOrganization(up, "Elsewhere");
      const mine = await createMonitor(up, monitorBody("tcp", { name: "in the first org" }));
      // The other org's owner does not see the first org's monitor, by list or by id.
      const theirList = (await call(up, "GET", `${API}/monitors`, undefined, other.headers)).json<{
        items: Array<{ id: string }>;
      }>();
      expect(theirList.items.map((m) => m.id)).not.toContain(mine.id);
      expectProblem(
        await call(up, "GET", `${API}/monitors/${mine.id}`, undefined, other.headers),
        404,
        "NOT_FOUND",
      );
      // A header or parameter naming an organization changes nothing.
      const spoof = await call(up, "GET", `${API}/monitors/${mine.id}`, undefined, {
        ...other.headers,
        "x-organization-id": up.organizationId,
      });
      expectProblem(spoof, 404, "NOT_FOUND");
      const refused = await call(
        up,
        "POST",
        `${API}/auth/switch-organization`,
        { organizationId: up.organizationId },
        other.headers,
      );
      expectProblem(refused, 404, "NOT_FOUND");
      // Once a member of both, switching moves the session.
      const both = await signInAs(up, "viewer");
      await up.rt.db
        .insertInto("memberships")
        .values({
          organization_id: other.organizationId,
          user_id: both.userId,
          role: "editor",
          created_at: new Date(),
        })
        .execute();
      const switched = await call(
        up,
        "POST",
        `${API}/auth/switch-organization`,
        { organizationId: other.organizationId },
        both.headers,
      );
      expect(switched.json()).toEqual({ organizationId: other.organizationId, role: "editor" });
      expectProblem(
        await call(up, "GET", `${API}/monitors/${mine.id}`, undefined, both.headers),
        404,
        "NOT_FOUND",
      );
      const meBody = (await me(both.accessToken)).json<{
        currentOrganizationId: string;
        organizations: unknown[];
      }>();
      expect(meBody.currentOrganizationId).toBe(other.organizationId);
      expect(meBody.organizations).toHaveLength(2);
    });
  });

  describe("credentials in the wrong place", () => {
    it("refuses API keys and tokens in the query string and never logs them", async () => {
      for (const q of [`api_key=${up.apiKey}`, `token=${up.apiKey}`, `access_token=abc`, `x=${up.apiKey}`]) {
        const res = await call(up, "GET", `${API}/monitors?${q}`, undefined, { authorization: "" });
        expectProblem(res, 400, "VALIDATION");
      }
      expect(JSON.stringify(up.logs)).not.toContain(up.apiKey);
    });

    it("refuses an Authorization header that is not a bearer token", async () => {
      for (const h of ["Basic dXNlcjpwYXNz", "Bearer", "Token abc", `Bearer ${up.apiKey} extra`]) {
        expectProblem(
          await call(up, "GET", `${API}/monitors`, undefined, { authorization: h }),
          401,
          "UNAUTHENTICATED",
        );
      }
    });
  });
});

describe.each(DB_KINDS)("browser sessions (cookies) on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, PUBLIC_URL: "https://upblit.example.com" });
  });
  afterAll(async () => up?.close());

  async function browserLogin() {
    const user = await signInAs(up, "editor");
    const res = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: user.email, password: TEST_PASSWORD },
      { authorization: "" },
    );
    const cookies = cookiesOf(res);
    const value = (name: string) => /^[^=]+=([^;]*)/.exec(cookies.get(name) ?? "")![1]!;
    const jar = [...cookies.keys()].map((n) => `${n}=${value(n)}`).join("; ");
    return { cookies, jar, csrf: value("__Host-upblit-csrf") };
  }

  it("sets HttpOnly, SameSite=Lax, Secure cookies with __Host- names behind https", async () => {
    const { cookies } = await browserLogin();
    const access = cookies.get("__Host-upblit-access")!;
    expect(access).toMatch(/HttpOnly/);
    expect(access).toMatch(/SameSite=Lax/);
    expect(access).toMatch(/Secure/);
    expect(access).toMatch(/Path=\//);
    expect(cookies.get("__Secure-upblit-refresh")).toMatch(
      /HttpOnly; .*Secure|Secure; .*HttpOnly|HttpOnly.*Secure/,
    );
    expect(cookies.get("__Host-upblit-csrf")).not.toMatch(/HttpOnly/);
  });

  it("reads with the cookie, and refuses unsafe requests without the CSRF header or from another origin", async () => {
    const { jar, csrf } = await browserLogin();
    expect(
      (await call(up, "GET", `${API}/monitors`, undefined, { authorization: "", cookie: jar })).statusCode,
    ).toBe(200);
    const body = monitorBody("tcp", { name: "via cookie" });
    const noHeader = await call(up, "POST", `${API}/monitors`, body, { authorization: "", cookie: jar });
    expectProblem(noHeader, 403, "FORBIDDEN");
    const wrongHeader = await call(up, "POST", `${API}/monitors`, body, {
      authorization: "",
      cookie: jar,
      "x-csrf-token": "guess",
    });
    expectProblem(wrongHeader, 403, "FORBIDDEN");
    const crossOrigin = await call(up, "POST", `${API}/monitors`, body, {
      authorization: "",
      cookie: jar,
      "x-csrf-token": csrf,
      origin: "https://evil.example",
    });
    expectProblem(crossOrigin, 403, "FORBIDDEN");
    const crossRead = await call(up, "GET", `${API}/events`, undefined, {
      authorization: "",
      cookie: jar,
      origin: "https://evil.example",
    });
    expectProblem(crossRead, 403, "FORBIDDEN");
    const ok = await call(up, "POST", `${API}/monitors`, body, {
      authorization: "",
      cookie: jar,
      "x-csrf-token": csrf,
      origin: "https://upblit.example.com",
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it("refreshes from the cookie only with the CSRF header", async () => {
    const { jar, csrf } = await browserLogin();
    expectProblem(
      await call(up, "POST", `${API}/auth/refresh`, undefined, { authorization: "", cookie: jar }),
      403,
      "FORBIDDEN",
    );
    const ok = await call(up, "POST", `${API}/auth/refresh`, undefined, {
      authorization: "",
      cookie: jar,
      "x-csrf-token": csrf,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(cookiesOf(ok).has("__Host-upblit-access")).toBe(true);
  });
});
