import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OidcFixture, startOidcProvider } from "../../src/test/oidc-provider.ts";
import {
  type Dashboard,
  expectAccessible,
  START_TIMEOUT_MS,
  scaledTimeout,
  screenshots,
  startDashboard,
  UI_TIMEOUT_MS,
} from "./dashboard/harness.ts";

/**
 * Single sign-on in Chromium against a real OpenID provider started in this process (on
 * 127.0.0.1, so Upblit runs with the explicit ALLOW_PRIVATE_TARGETS opt-in): the owner sets the
 * provider up on /settings/sso, then a person clicks "Sign in with …" and comes back signed in
 * with the role of their group; without a mapped group they come back refused.
 */
describe("single sign-on in the dashboard", () => {
  let d: Dashboard;
  let idp: OidcFixture;
  beforeAll(async () => {
    d = await startDashboard({ env: { ALLOW_PRIVATE_TARGETS: "true" } });
    idp = await startOidcProvider({ redirectUri: `${d.base}/api/v1/auth/sso/callback` });
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
    await idp?.close();
  });

  it(
    "is set up by the owner, then signs a person in through the provider with their group's role",
    async () => {
      const { context, page } = await d.signedIn();
      await page.goto("/settings/sso");
      await page.getByLabel("Issuer URL").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText(`${d.base}/api/v1/auth/sso/callback`).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Name on the sign-in button").fill("Acme ID");
      await page.getByLabel("Issuer URL").fill(idp.issuer);
      await page.getByLabel("Client ID").fill(idp.clientId);
      await page.getByLabel("Client secret").fill(idp.clientSecret);
      await page.getByLabel("Allowed email domains").fill("acme.test");
      await page.getByLabel("Scopes").fill("openid email profile groups");
      await page.getByRole("button", { name: "Add a group" }).click();
      await page.getByLabel("Group", { exact: true }).fill("ops");
      await page.getByLabel("Role", { exact: true }).selectOption("editor");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Saved." }).waitFor({ timeout: UI_TIMEOUT_MS });
      await expectAccessible(page);
      await screenshots(page, "sso-settings");
      await context.close();

      idp.nextLogin = { sub: "sub-ada", email: "ada@acme.test", name: "Ada", groups: ["ops"] };
      const visitor = await d.browser.newContext({ baseURL: d.base });
      const signIn = await visitor.newPage();
      await signIn.goto("/login");
      await signIn.getByLabel("Email").fill("ada@acme.test");
      await signIn.getByRole("button", { name: "Sign in with SSO" }).click();
      const button = signIn.getByRole("link", { name: /Sign in with Acme ID/ });
      await button.waitFor({ timeout: UI_TIMEOUT_MS });
      await expectAccessible(signIn);
      await screenshots(signIn, "sso-sign-in");
      await button.click();
      await signIn.waitForURL((url) => url.origin === d.base && url.pathname === "/", {
        timeout: UI_TIMEOUT_MS,
      });
      const me = await (await signIn.request.get("/api/v1/me")).json();
      expect(me).toMatchObject({ email: "ada@acme.test", organizations: [{ role: "editor" }] });

      // Out of every mapped group at the provider: the next sign-in comes back refused, in words.
      idp.nextLogin = { ...idp.nextLogin, groups: ["sales"] };
      const again = await d.browser.newContext({ baseURL: d.base });
      const refused = await again.newPage();
      await refused.goto("/login");
      await refused.getByLabel("Email").fill("ada@acme.test");
      await refused.getByRole("button", { name: "Sign in with SSO" }).click();
      await refused.getByRole("link", { name: /Sign in with Acme ID/ }).click();
      await refused.waitForURL((url) => url.pathname === "/login" && url.search.includes("sso=no-access"), {
        timeout: UI_TIMEOUT_MS,
      });
      await refused
        .getByRole("alert")
        .filter({ hasText: "None of your groups" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshots(refused, "sso-refused");
      await visitor.close();
      await again.close();
    },
    scaledTimeout(180_000),
  );
});
