import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signInAs, TEST_PASSWORD } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type OidcFixture, startOidcProvider } from "../../../test/oidc-provider.ts";
import { meWith, refreshWith } from "../../../test/sessions.ts";
import {
  arriveAtCallback,
  providerBody,
  SSO_PUBLIC_URL,
  SSO_REDIRECT_URI,
  ssoSignIn,
  throughProvider,
} from "../../../test/sso.ts";
import { OWNER, startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Signing in through a real OpenID provider (oidc-provider on 127.0.0.1; ALLOW_PRIVATE_TARGETS
// is the explicit opt-in that lets Upblit reach it): sessions, group → role at every sign-in,
// refusals of tampered answers, key rotation and enforced SSO. Config routes: sso.api.test.ts.

describe.each(DB_KINDS)("single sign-on on %s", (kind) => {
  let up: TestUpblit;
  let idp: OidcFixture;
  let providerId: string;

  beforeAll(async () => {
    idp = await startOidcProvider({ redirectUri: SSO_REDIRECT_URI });
    up = await startTestUpblit(kind, {
      ...API_ONLY,
      ALLOW_PRIVATE_TARGETS: "true",
      PUBLIC_URL: SSO_PUBLIC_URL,
    });
    const res = await call(up, "PUT", `${API}/sso/provider`, providerBody(idp));
    expect(res.statusCode, res.body).toBe(200);
    providerId = res.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await up?.close();
    await idp?.close();
  });
  beforeEach(() => {
    idp.tamperIdToken = undefined;
  });

  const roleOf = async (email: string) => {
    const row = await up.rt.db
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select("m.role")
      .where("u.email", "=", email)
      .where("m.organization_id", "=", up.organizationId)
      .executeTakeFirst();
    return row?.role ?? null;
  };
  const auditActions = async (action: string) =>
    up.rt.db
      .selectFrom("audit_log")
      .select(["action", "summary", "actor_label"])
      .where("organization_id", "=", up.organizationId)
      .where("action", "=", action)
      .orderBy("id")
      .execute();
  const refusedWith = async (reason: string, detail: RegExp) => {
    const rows = await auditActions("sso.login_refused");
    const last = rows.at(-1)?.summary as { reason: string; detail: string } | undefined;
    expect(last?.reason).toBe(reason);
    expect(last?.detail).toMatch(detail);
  };
  const expectRefused = (res: { statusCode: number; headers: Record<string, unknown> }, reason: string) => {
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/login?sso=${reason}`);
    expect(String(res.headers["set-cookie"] ?? "")).not.toMatch(/upblit-access=[^;]/);
  };

  it("lists the provider for an email of an allowed domain, and nothing for others", async () => {
    const hit = await call(up, "GET", `${API}/auth/sso/providers?email=ada@ACME.test`, undefined, {
      authorization: "",
    });
    expect(hit.statusCode, hit.body).toBe(200);
    expect(hit.json()).toEqual({
      items: [
        {
          providerId,
          displayName: "Acme ID",
          organizationName: expect.any(String),
          startUrl: `/api/v1/auth/sso/${providerId}/start`,
        },
      ],
    });
    const miss = await call(up, "GET", `${API}/auth/sso/providers?email=ada@other.test`, undefined, {
      authorization: "",
    });
    expect(miss.json()).toEqual({ items: [] });
    expectProblem(
      await call(up, "GET", `${API}/auth/sso/providers?email=nope`, undefined, { authorization: "" }),
      400,
      "VALIDATION",
    );
  });

  it("signs a new person in with a session like a password sign-in, with the role of their group", async () => {
    idp.nextLogin = { sub: "sub-ada", email: "ada@acme.test", name: "Ada", groups: ["ops", "unmapped"] };
    const start = await call(up, "GET", `${API}/auth/sso/${providerId}/start`, undefined, {
      authorization: "",
    });
    const authorize = new URL(String(start.headers.location));
    // Authorization code flow with PKCE (S256), state and nonce.
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get("state")).toBeTruthy();
    expect(authorize.searchParams.get("nonce")).toBeTruthy();
    expect(authorize.searchParams.get("redirect_uri")).toBe(SSO_REDIRECT_URI);
    expect(String(start.headers["set-cookie"])).toMatch(/upblit-sso=.*HttpOnly/i);

    const { res, accessToken } = await ssoSignIn(up, providerId);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe("/");
    const cookies = String(res.headers["set-cookie"]);
    expect(cookies).toMatch(/upblit-refresh=[^;]+;.*HttpOnly/);
    expect(cookies).toMatch(/upblit-csrf=[^;]+/);
    const me = await meWith(up, accessToken!);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({
      email: "ada@acme.test",
      currentOrganizationId: up.organizationId,
      organizations: [{ id: up.organizationId, role: "editor" }],
    });
    const session = await up.rt.db
      .selectFrom("sessions")
      .selectAll()
      .where("user_id", "=", me.json<{ id: string }>().id)
      .execute();
    expect(session).toHaveLength(1);
    expect((await auditActions("member.add")).at(-1)?.summary).toMatchObject({
      role: "editor",
      source: "sso",
    });
    expect((await auditActions("sso.login")).at(-1)).toMatchObject({ actor_label: "ada@acme.test" });
    // No password: the account cannot sign in with one.
    const pw = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: "ada@acme.test", password: TEST_PASSWORD },
      { authorization: "" },
    );
    expectProblem(pw, 401, "UNAUTHENTICATED");
  });

  it("maps the groups again at every sign-in: promotes, demotes, and removes when no group is left", async () => {
    idp.nextLogin = { sub: "sub-bob", email: "bob@acme.test", groups: ["staff"] };
    expect((await ssoSignIn(up, providerId)).res.headers.location).toBe("/");
    expect(await roleOf("bob@acme.test")).toBe("viewer");

    idp.nextLogin = { ...idp.nextLogin, groups: ["staff", "platform"] };
    const promoted = await ssoSignIn(up, providerId);
    expect(promoted.res.headers.location).toBe("/");
    expect(await roleOf("bob@acme.test")).toBe("admin");
    expect((await auditActions("member.role_change")).at(-1)?.summary).toMatchObject({
      from: "viewer",
      to: "admin",
      source: "sso",
    });

    idp.nextLogin = { ...idp.nextLogin, groups: ["ops"] };
    await ssoSignIn(up, providerId);
    expect(await roleOf("bob@acme.test")).toBe("editor");

    // The platform group is gone and so is every mapped one: no membership, and the earlier session ends.
    idp.nextLogin = { ...idp.nextLogin, groups: ["unmapped"] };
    const removed = await ssoSignIn(up, providerId);
    expectRefused(removed.res, "no-access");
    expect(await roleOf("bob@acme.test")).toBeNull();
    expect((await meWith(up, promoted.accessToken!)).statusCode).toBe(401);
    expect((await auditActions("member.remove")).at(-1)?.summary).toMatchObject({
      role: "editor",
      source: "sso",
    });
  });

  it("refuses a changed state, and a callback without the browser's flow cookie", async () => {
    idp.nextLogin = { sub: "sub-cy", email: "cy@acme.test", groups: ["staff"] };
    const leg = await throughProvider(up, providerId);
    const forged = new URL(leg.callback);
    forged.searchParams.set("state", "not-the-state-we-sent");
    expectRefused(await arriveAtCallback(up, { ...leg, callback: forged }), "provider");
    await refusedWith("provider", /state/);

    const other = await throughProvider(up, providerId);
    expectRefused(await arriveAtCallback(up, { ...other, flowCookie: "v1.forged.cookie.value" }), "expired");
    expect(await roleOf("cy@acme.test")).toBeNull();
  });

  it("refuses an ID token with another nonce, issuer or audience, or signed by a key not in the JWKS", async () => {
    idp.nextLogin = { sub: "sub-dee", email: "dee@acme.test", groups: ["staff"] };
    const cases: Array<[OidcFixture["tamperIdToken"], RegExp]> = [
      [{ claims: (c) => ({ ...c, nonce: "another-nonce" }) }, /nonce/],
      [{ claims: (c) => ({ ...c, iss: "http://127.0.0.1:1/evil" }) }, /iss/],
      [{ claims: (c) => ({ ...c, aud: "someone-else" }) }, /aud/],
      [{ signingKey: await idp.strangerKey() }, /key|JWK|kid/i],
    ];
    for (const [tamper, detail] of cases) {
      idp.tamperIdToken = tamper;
      const { res } = await ssoSignIn(up, providerId);
      expectRefused(res, "provider");
      await refusedWith("provider", detail);
    }
    expect(await roleOf("dee@acme.test")).toBeNull();
    // The same flow untouched signs in, so the refusals came from the changes alone.
    idp.tamperIdToken = { claims: (c) => c };
    expect((await ssoSignIn(up, providerId)).res.headers.location).toBe("/");
  });

  it("follows a rotation of the provider's signing key", async () => {
    idp.nextLogin = { sub: "sub-eve", email: "eve@acme.test", groups: ["staff"] };
    expect((await ssoSignIn(up, providerId)).res.headers.location).toBe("/");
    const before = idp.jwksServed.length;
    const newKid = await idp.rotateKeys();
    const after = await ssoSignIn(up, providerId);
    expect(after.res.headers.location).toBe("/");
    expect(idp.jwksServed.slice(before)).toContainEqual([newKid]);
    expect((await meWith(up, after.accessToken!)).statusCode).toBe(200);
  });

  it("refuses an unverified email, a domain not allowed, and a stranger when JIT is off", async () => {
    idp.nextLogin = { sub: "sub-fay", email: "fay@acme.test", emailVerified: false, groups: ["staff"] };
    expectRefused((await ssoSignIn(up, providerId)).res, "email");
    idp.nextLogin = { sub: "sub-gus", email: "gus@elsewhere.test", groups: ["staff"] };
    expectRefused((await ssoSignIn(up, providerId)).res, "email");

    const off = await call(
      up,
      "PUT",
      `${API}/sso/provider`,
      providerBody(idp, { clientSecret: undefined, jit: false }),
    );
    expect(off.statusCode, off.body).toBe(200);
    idp.nextLogin = { sub: "sub-hal", email: "hal@acme.test", groups: ["staff"] };
    expectRefused((await ssoSignIn(up, providerId)).res, "no-access");
    expect(
      await up.rt.db.selectFrom("users").select("id").where("email", "=", "hal@acme.test").executeTakeFirst(),
    ).toBeUndefined();
    // An existing member still signs in (linked by their verified email).
    const member = await signInAs(up, "viewer", { email: "ivy@acme.test" });
    idp.nextLogin = { sub: "sub-ivy", email: member.email, groups: ["ops"] };
    expect((await ssoSignIn(up, providerId)).res.headers.location).toBe("/");
    expect(await roleOf(member.email)).toBe("editor");
    await call(up, "PUT", `${API}/sso/provider`, providerBody(idp, { clientSecret: undefined }));
  });

  it("never links an account that is not a member, and keeps an SSO session in its organization", async () => {
    // Kim's account lives only in another organization: this provider may not sign in to it.
    const kim = await signInAs(up, "viewer", { email: "kim@acme.test" });
    const own = await call(up, "POST", `${API}/organizations`, { name: "Kim's own" }, kim.headers);
    expect(own.statusCode, own.body).toBe(201);
    expect((await call(up, "DELETE", `${API}/members/${kim.userId}`)).statusCode).toBe(204);
    idp.nextLogin = { sub: "sub-kim", email: "kim@acme.test", groups: ["platform"] };
    expectRefused((await ssoSignIn(up, providerId)).res, "no-access");
    await refusedWith("no-access", /exists outside this organization/);
    expect(await roleOf("kim@acme.test")).toBeNull();
    expect(
      await up.rt.db
        .selectFrom("sso_identities")
        .select("subject")
        .where("subject", "=", "sub-kim")
        .execute(),
    ).toEqual([]);

    // A person signed in by SSO who makes (or joins) another organization cannot switch there.
    idp.nextLogin = { sub: "sub-lou", email: "lou@acme.test", groups: ["staff"] };
    const lou = await ssoSignIn(up, providerId);
    const headers = { authorization: `Bearer ${lou.accessToken}` };
    const other = await call(up, "POST", `${API}/organizations`, { name: "Lou's side project" }, headers);
    expect(other.statusCode, other.body).toBe(201);
    const id = other.json<{ id: string }>().id;
    const swap = await call(up, "POST", `${API}/auth/switch-organization`, { organizationId: id }, headers);
    expect(expectProblem(swap, 403, "FORBIDDEN").detail).toMatch(/single sign-on/);
    const back = await call(
      up,
      "POST",
      `${API}/auth/switch-organization`,
      { organizationId: up.organizationId },
      headers,
    );
    expect(back.statusCode, back.body).toBe(200);
  });

  it("with SSO enforced, refuses password sign-in to members but not to owners", async () => {
    const member = await signInAs(up, "editor", { email: "jo@acme.test" });
    const on = await call(
      up,
      "PUT",
      `${API}/sso/provider`,
      providerBody(idp, { clientSecret: undefined, enforce: true }),
    );
    expect(on.statusCode, on.body).toBe(200);
    const login = (email: string, password: string) =>
      call(up, "POST", `${API}/auth/login`, { email, password }, { authorization: "" });
    const refused = expectProblem(await login(member.email, TEST_PASSWORD), 403, "FORBIDDEN");
    expect(refused.detail).toMatch(/single sign-on/);
    // A wrong password still reads as a wrong password: enforcement says nothing to strangers.
    expectProblem(await login(member.email, "not the password at all"), 401, "UNAUTHENTICATED");
    expect((await login(OWNER.email, OWNER.password)).statusCode).toBe(200);

    await call(
      up,
      "PUT",
      `${API}/sso/provider`,
      providerBody(idp, { clientSecret: undefined, enforce: false }),
    );
    expect((await login(member.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it("turning enforcement on ends members' password sessions; SSO ones, owners' and the admin's own stay", async () => {
    const member = await signInAs(up, "editor", { email: "enf-editor@acme.test" });
    const admin = await signInAs(up, "admin", { email: "enf-admin@acme.test" });
    const owner = await signInAs(up, "owner", { email: "enf-owner@acme.test" });
    idp.nextLogin = { sub: "sub-enf", email: "enf-sso@acme.test", groups: ["ops"] };
    const viaSso = await ssoSignIn(up, providerId);
    expect(viaSso.res.headers.location).toBe("/");
    for (const token of [member.accessToken, admin.accessToken, owner.accessToken, viaSso.accessToken!])
      expect((await meWith(up, token)).statusCode).toBe(200);

    const enforce = (on: boolean, displayName = "Acme ID") =>
      call(
        up,
        "PUT",
        `${API}/sso/provider`,
        providerBody(idp, { clientSecret: undefined, enforce: on, displayName }),
        admin.headers,
      );
    const on = await enforce(true);
    expect(on.statusCode, on.body).toBe(200);
    expectProblem(await meWith(up, member.accessToken), 401, "UNAUTHENTICATED");
    expect((await refreshWith(up, member.refreshToken)).statusCode).toBe(401);
    const ended = await up.rt.db
      .selectFrom("sessions")
      .select("revoked_reason")
      .where("user_id", "=", member.userId)
      .execute();
    expect(ended).toEqual([{ revoked_reason: "single sign-on enforced" }]);
    // The admin who turned it on, another owner, and the person who came through the provider.
    for (const token of [admin.accessToken, owner.accessToken, viaSso.accessToken!])
      expect((await meWith(up, token)).statusCode).toBe(200);
    const audited = (await auditActions("sso.provider_update")).at(-1)?.summary as Record<string, unknown>;
    expect(audited).toMatchObject({ enforce: true, before: { enforce: false } });
    expect(audited.sessionsEnded).toBeGreaterThanOrEqual(1);

    // Saved again while enforced (a rename): enforcement does not turn on again, nothing is counted.
    expect((await enforce(true, "Acme SSO")).statusCode).toBe(200);
    expect((await meWith(up, admin.accessToken)).statusCode).toBe(200);
    expect((await auditActions("sso.provider_update")).at(-1)?.summary).not.toHaveProperty("sessionsEnded");
    expect((await enforce(false)).statusCode).toBe(200);
  });
});
