import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { otherOrganization, signInAs, TEST_PASSWORD } from "../../../test/accounts.ts";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { meWith, refreshWith } from "../../../test/sessions.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Ending sessions, the organization of a session, and browser sessions with cookies. Sign-in and
// the tokens themselves are in auth.api.test.ts.

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

  const me = (token: string) => meWith(up, token);
  const refresh = (refreshToken: string) => refreshWith(up, refreshToken);

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
