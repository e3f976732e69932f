import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type Dashboard,
  expectAccessible,
  scaledTimeout,
  screenshots,
  startDashboard,
  UI_TIMEOUT_MS,
  waitFor,
} from "./dashboard/harness.ts";

const DETAIL = /\/monitors\/(?!new)[^/]+$/;

/**
 * A browser monitor made in the dashboard (its steps typed as JSON), checked by the real server's
 * Chromium against a shop page on loopback whose expected text is missing: the failed result's
 * detail shows the screenshot the check took.
 */
describe("dashboard: a browser monitor's failed result shows its screenshot", () => {
  let d: Dashboard;
  let page: Page;
  let shop: Server;
  let shopUrl: string;

  beforeAll(async () => {
    shop = createServer((_req, res) => {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(
          '<body style="font-family:sans-serif;background:#fdf6e3"><h1>Acme shop</h1><p style="color:#b00">Checkout is closed today</p></body>',
        );
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/`;
    d = await startDashboard({ env: { BROWSER_EXECUTABLE: "/usr/bin/chromium" } });
    page = (await d.signedIn()).page;
  }, scaledTimeout(180_000));

  afterAll(async () => {
    await d?.close();
    shop?.closeAllConnections();
    await new Promise<void>((resolve) => (shop ? shop.close(() => resolve()) : resolve()));
  });

  it(
    "creates it from the form, and opens the failed check to see the page",
    async () => {
      await page.goto("/monitors/new");
      await page.getByLabel("Type", { exact: true }).selectOption("browser", { timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Name", { exact: true }).fill("Shop checkout");
      await page.getByLabel("URL", { exact: true }).fill(shopUrl);
      await page.getByLabel("Check every (seconds)").fill("600");
      await page.getByLabel("Timeout (ms)").fill("30000");
      await page
        .getByLabel("Steps")
        .fill(JSON.stringify([{ action: "expectText", text: "Checkout is open" }]));
      await page.getByRole("button", { name: "Create monitor" }).click();
      await page.waitForURL(DETAIL, { timeout: UI_TIMEOUT_MS });
      const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");

      const results = await waitFor(
        "a failed check with a screenshot",
        async () => {
          const r = await api<{ items: Array<{ status: string; screenshot: string | null }> }>(
            d.base,
            "GET",
            `/api/v1/monitors/${id}/results`,
          );
          return r.items.some((x) => x.status === "down" && x.screenshot) ? r : undefined;
        },
        120_000,
      );
      expect(results?.items[0]?.screenshot).toMatch(new RegExp(`^/api/v1/monitors/${id}/screenshots/`));

      await page.reload();
      const summary = page.locator(".results-list summary").first();
      await summary.waitFor({ timeout: UI_TIMEOUT_MS });
      await summary.click();
      const img = page.getByRole("img", { name: /The page as the browser check saw it/ });
      await img.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect
        .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: UI_TIMEOUT_MS })
        .toBe(1280);
      await img.scrollIntoViewIfNeeded();
      await screenshots(page, "monitor-detail-browser-screenshot");
      await expectAccessible(page);
    },
    scaledTimeout(300_000),
  );
});
