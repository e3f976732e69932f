import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { signToken } from "../../../services/auth/access-tokens.ts";
import { signInAs, TEST_PASSWORD, type TestUser } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { meWith, refreshWith } from "../../../test/sessions.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Sign-in, access and refresh tokens, and credentials in the wrong place. Ending sessions, the
// organization of a session and browser cookies are in sessions.api.test.ts.

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe.each(DB_KINDS)("sign-in and sessions on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, { clock });
  });
  afterAll(async () => up?.close());

  const me = (token: string) => meWith(up, token);
  const refresh = (refreshToken: string) => refreshWith(up, refreshToken);

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
