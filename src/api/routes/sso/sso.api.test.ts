import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type OidcFixture, startOidcProvider } from "../../../test/oidc-provider.ts";
import { providerBody, SSO_PUBLIC_URL, SSO_REDIRECT_URI } from "../../../test/sso.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// The organization's provider: admins only, secret write-only and encrypted at rest, the issuer
// checked by discovery (with the address rules), changes audited. Signing in: sso-login.api.test.ts.

describe.each(DB_KINDS)("single sign-on provider settings on %s", (kind) => {
  let up: TestUpblit;
  let idp: OidcFixture;

  beforeAll(async () => {
    idp = await startOidcProvider({ redirectUri: SSO_REDIRECT_URI });
    up = await startTestUpblit(kind, {
      ...API_ONLY,
      ALLOW_PRIVATE_TARGETS: "true",
      PUBLIC_URL: SSO_PUBLIC_URL,
    });
  });
  afterAll(async () => {
    await up?.close();
    await idp?.close();
  });

  it("starts empty, with the redirect URI to register at the provider", async () => {
    const res = await call(up, "GET", `${API}/sso/provider`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ provider: null, redirectUri: SSO_REDIRECT_URI });
    expectProblem(await call(up, "DELETE", `${API}/sso/provider`), 404, "NOT_FOUND");
  });

  it("is for admins: editors and viewers get 403", async () => {
    for (const role of ["editor", "viewer"] as const) {
      const person = await signInAs(up, role);
      expectProblem(
        await call(up, "GET", `${API}/sso/provider`, undefined, person.headers),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await call(up, "PUT", `${API}/sso/provider`, providerBody(idp), person.headers),
        403,
        "FORBIDDEN",
      );
    }
  });

  it("names every invalid field", async () => {
    const res = await call(up, "PUT", `${API}/sso/provider`, {
      ...providerBody(idp),
      issuer: "ftp://idp.example",
      emailDomains: ["not a domain"],
      scopes: "email profile",
      roleMapping: [{ group: "ops", role: "owner" }],
      defaultRole: "boss",
    });
    expectValidation(res, [
      "body.issuer",
      "body.emailDomains.0",
      "body.scopes",
      "body.roleMapping.0.role",
      "body.defaultRole",
    ]);
    const noSecret = await call(up, "PUT", `${API}/sso/provider`, {
      ...providerBody(idp),
      clientSecret: undefined,
    });
    expectValidation(noSecret, ["body.clientSecret"]);
  });

  it("refuses an issuer whose discovery fails or names another issuer", async () => {
    const wrong = await call(
      up,
      "PUT",
      `${API}/sso/provider`,
      providerBody(idp, { issuer: `${idp.issuer}/elsewhere` }),
    );
    expect(expectValidation(wrong, ["body.issuer"]).errors[0]?.message).toMatch(/discovery failed/);
    const closed = await call(
      up,
      "PUT",
      `${API}/sso/provider`,
      providerBody(idp, { issuer: "http://127.0.0.1:1" }),
    );
    expectValidation(closed, ["body.issuer"]);
  });

  it("saves the provider with the secret encrypted and never shown, and audits each change", async () => {
    const saved = await call(up, "PUT", `${API}/sso/provider`, providerBody(idp, { defaultRole: "viewer" }));
    expect(saved.statusCode, saved.body).toBe(200);
    const body = saved.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      displayName: "Acme ID",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecretSet: true,
      emailDomains: ["acme.test"],
      defaultRole: "viewer",
      jit: true,
      enforce: false,
      enabled: true,
      redirectUri: SSO_REDIRECT_URI,
    });
    expect(saved.body).not.toContain(idp.clientSecret);
    const row = await up.rt.db.selectFrom("sso_providers").selectAll().executeTakeFirstOrThrow();
    expect(row.client_secret).toMatch(/^v1\./);
    expect(row.client_secret).not.toContain(idp.clientSecret);

    // Left out, the secret is kept (discovery still passes with it); the change is audited without it.
    const renamed = await call(up, "PUT", `${API}/sso/provider`, {
      ...providerBody(idp, { displayName: "Acme SSO" }),
      clientSecret: undefined,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const got = await call(up, "GET", `${API}/sso/provider`);
    expect(got.json()).toMatchObject({ provider: { id: body.id, displayName: "Acme SSO" } });
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .select(["action", "summary"])
      .where("organization_id", "=", up.organizationId)
      .where("action", "like", "sso.provider%")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["sso.provider_create", "sso.provider_update"]);
    expect(audit[1]?.summary).toMatchObject({ displayName: "Acme SSO", clientSecretChanged: false });
    expect(JSON.stringify(audit)).not.toContain(idp.clientSecret);

    const gone = await call(up, "DELETE", `${API}/sso/provider`);
    expect(gone.statusCode).toBe(204);
    expect((await call(up, "GET", `${API}/sso/provider`)).json()).toMatchObject({ provider: null });
    const start = await call(up, "GET", `${API}/auth/sso/${String(body.id)}/start`, undefined, {
      authorization: "",
    });
    expectProblem(start, 404, "NOT_FOUND");
  });

  it("sends the browser back to sign-in when the provider cannot be reached", async () => {
    const saved = await call(up, "PUT", `${API}/sso/provider`, providerBody(idp));
    expect(saved.statusCode, saved.body).toBe(200);
    await idp.close();
    const start = await call(
      up,
      "GET",
      `${API}/auth/sso/${saved.json<{ id: string }>().id}/start`,
      undefined,
      {
        authorization: "",
      },
    );
    expect(start.statusCode).toBe(302);
    expect(start.headers.location).toBe("/login?sso=unavailable");
  });
});

describe("single sign-on without the private-network opt-in", () => {
  let up: TestUpblit;
  let idp: OidcFixture;

  beforeAll(async () => {
    idp = await startOidcProvider({ redirectUri: SSO_REDIRECT_URI });
    up = await startTestUpblit("pglite", {
      ...API_ONLY,
      ALLOW_PRIVATE_TARGETS: "false",
      PUBLIC_URL: SSO_PUBLIC_URL,
    });
  });
  afterAll(async () => {
    await up?.close();
    await idp?.close();
  });

  it("refuses an issuer on loopback, whether by http:// or by https://", async () => {
    const plain = await call(up, "PUT", `${API}/sso/provider`, providerBody(idp));
    expect(expectValidation(plain, ["body.issuer"]).errors[0]?.message).toMatch(/https/);
    const tls = await call(
      up,
      "PUT",
      `${API}/sso/provider`,
      providerBody(idp, { issuer: idp.issuer.replace("http:", "https:") }),
    );
    expect(expectValidation(tls, ["body.issuer"]).errors[0]?.message).toMatch(/not allowed|blocked|private/i);
    expect(await up.rt.db.selectFrom("sso_providers").select("id").execute()).toEqual([]);
  });
});
