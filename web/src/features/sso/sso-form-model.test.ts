import { describe, expect, it } from "vitest";
import { bodyOf, EMPTY_FORM, formOf } from "./sso-form-model.ts";

describe("single sign-on form model", () => {
  it("sends domains as a list, leaves an empty secret out (kept) and drops blank group rows", () => {
    const body = bodyOf({
      ...EMPTY_FORM,
      displayName: "Acme",
      issuer: " https://id.acme.com ",
      clientId: "upblit",
      emailDomains: "acme.com, , acme.co.uk ",
      roleMapping: [
        { group: "sre", role: "editor" },
        { group: "  ", role: "admin" },
      ],
    });
    expect(body).toMatchObject({
      issuer: "https://id.acme.com",
      emailDomains: ["acme.com", "acme.co.uk"],
      roleMapping: [{ group: "sre", role: "editor" }],
      defaultRole: null,
    });
    expect("clientSecret" in body).toBe(false);
    expect(bodyOf({ ...EMPTY_FORM, clientSecret: "s3cret", defaultRole: "viewer" })).toMatchObject({
      clientSecret: "s3cret",
      defaultRole: "viewer",
    });
  });

  it("fills the form from a saved provider, with the secret field empty", () => {
    const form = formOf({
      id: "sso_1",
      displayName: "Acme",
      issuer: "https://id.acme.com",
      clientId: "upblit",
      clientSecretSet: true,
      emailDomains: ["acme.com", "acme.co.uk"],
      scopes: "openid email",
      groupsClaim: "roles",
      roleMapping: [{ group: "sre", role: "admin" }],
      defaultRole: null,
      jit: false,
      enforce: true,
      enabled: true,
      redirectUri: "https://upblit.example/api/v1/auth/sso/callback",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    });
    expect(form).toMatchObject({
      emailDomains: "acme.com, acme.co.uk",
      clientSecret: "",
      defaultRole: "",
      enforce: true,
    });
    expect(formOf(null)).toEqual(EMPTY_FORM);
  });
});
