import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Dashboard,
  E2E_OWNER,
  expectAccessible,
  START_TIMEOUT_MS,
  scaledTimeout,
  screenshots,
  startDashboard,
  UI_TIMEOUT_MS,
} from "./dashboard/harness.ts";

/**
 * The dashboard served by a real Upblit at `/`: a deep link without a session goes to sign-in,
 * signing in through the form returns to the page asked for, and the shell is accessible.
 */
describe("dashboard shell in Chromium", () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await startDashboard();
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
  });

  it(
    "sends a visitor without a session to sign in, then back where they were going",
    async () => {
      const context = await d.browser.newContext({ baseURL: d.base });
      const page = await context.newPage();
      await page.goto("/incidents");
      await page.getByLabel("Email").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(new URL(page.url()).pathname).toBe("/login");
      await expectAccessible(page);
      await screenshots(page, "sign-in");

      await page.getByLabel("Email").fill(E2E_OWNER.email);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("alert").waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByLabel("Password").fill(E2E_OWNER.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((url) => url.pathname === "/incidents", { timeout: UI_TIMEOUT_MS });
      await context.close();
    },
    scaledTimeout(120_000),
  );

  it("serves the app for any page path, and the API's 404 stays JSON", async () => {
    const html = await fetch(`${d.base}/monitors/mon_nothing`, { headers: { accept: "text/html" } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root">');
    // The bundle goes out precompressed (web/precompress.ts), immutable.
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(
      await (await fetch(`${d.base}/`, { headers: { accept: "text/html" } })).text(),
    );
    expect(script?.[1]).toBeTruthy();
    const asset = await fetch(`${d.base}${script![1]}`, { headers: { "accept-encoding": "br, gzip" } });
    expect(asset.headers.get("content-encoding")).toBe("br");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    const apiMissing = await fetch(`${d.base}/api/v1/nothing-here`, { headers: { accept: "text/html" } });
    expect(apiMissing.status).toBe(404);
    expect(apiMissing.headers.get("content-type")).toContain("json");
  });
});
