import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import type { BrowserContext, Page } from "playwright-core";
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

interface Result {
  status: string;
  region: string;
  slotAt: string;
  manual: boolean;
  statusCode: number | null;
  error: { kind: string; message: string } | null;
  screenshot: string | null;
}

/**
 * A browser monitor made in the dashboard's form, checked now (not at its 10-minute interval:
 * the first scheduled slot of a new monitor falls anywhere in its first interval) by the real
 * server's Chromium against a shop page on loopback that answers 500. Check now's answer shows the
 * failed check's screenshot at once; the result is stored with it, and the monitor's history shows
 * that screenshot too, loaded through the API with the session's credentials (refreshed when the
 * access token has expired).
 */
describe("dashboard: a browser monitor's failed check shows its screenshot", () => {
  let d: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let shop: Server;
  let shopUrl: string;

  beforeAll(async () => {
    shop = createServer((_req, res) => {
      res
        .writeHead(500, { "content-type": "text/html" })
        .end(
          '<!doctype html><title>Acme shop</title><body style="font-family:sans-serif;background:#fdf6e3;padding:2rem"><h1>Acme shop</h1><p style="color:#b00;font-size:2rem">Checkout is down: the payment service did not answer</p></body>',
        );
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/checkout`;
    // ALLOW_PRIVATE_TARGETS (the harness sets it) lets the check reach the shop on loopback.
    d = await startDashboard({ env: { BROWSER_EXECUTABLE: "/usr/bin/chromium" } });
    ({ context, page } = await d.signedIn());
  }, scaledTimeout(240_000));

  afterAll(async () => {
    await d?.close();
    shop?.closeAllConnections();
    await new Promise<void>((resolve) => (shop ? shop.close(() => resolve()) : resolve()));
  });

  it(
    "creates it from the form, checks it now, and shows the failed check's screenshot in the answer and the history",
    async () => {
      await page.goto("/monitors/new");
      await page.getByLabel("Type", { exact: true }).selectOption("browser", { timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Name", { exact: true }).fill("Shop checkout");
      await page.getByLabel("URL", { exact: true }).fill(shopUrl);
      // Daily: the first scheduled slot falls anywhere in the first day, so it does not run into
      // the check now below (which would then answer 409 instead of its result).
      await page.getByLabel("Check every (seconds)").fill("86400");
      await page.getByLabel("Timeout (ms)").fill("30000");
      await page.getByLabel("Steps").fill(JSON.stringify([{ action: "expectText", text: "Acme shop" }]));
      await page.getByRole("button", { name: "Create monitor" }).click();
      await page.waitForURL(DETAIL, { timeout: UI_TIMEOUT_MS });
      const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
      await page
        .getByRole("heading", { level: 1, name: "Shop checkout" })
        .waitFor({ timeout: UI_TIMEOUT_MS });

      // Check now: its answer (`?wait=true`) carries the stored screenshot's path, and the
      // dashboard shows the picture under the check's outcome.
      const started = Date.now();
      await page.getByRole("button", { name: "Check now" }).click();
      const answer = page.getByRole("region", { name: "Check now" });
      const answerImg = answer.getByRole("img", { name: /The page as the browser check saw it/ });
      await answerImg.waitFor({ timeout: scaledTimeout(90_000) });
      await expect
        .poll(() => answerImg.evaluate((el) => (el as HTMLImageElement).naturalWidth), {
          timeout: UI_TIMEOUT_MS,
        })
        .toBe(1280);
      expect(await answer.getByText("HTTP 500", { exact: true }).count()).toBe(1);
      await answerImg.scrollIntoViewIfNeeded();
      await screenshots(page, "monitor-detail-check-now-screenshot");
      const found = await waitFor(
        "a failed check with a screenshot",
        async () => {
          const r = await api<{ items: Result[] }>(d.base, "GET", `/api/v1/monitors/${id}/results?limit=20`);
          return r.items.find((x) => x.status === "down" && x.screenshot !== null);
        },
        180_000,
      );
      const failed = found!;
      console.log(
        `failed browser result with screenshot stored ${Date.now() - started} ms after check now (load ${loadavg()[0]!.toFixed(1)})`,
      );
      expect(failed.statusCode).toBe(500);
      expect(failed.screenshot).toBe(
        `/api/v1/monitors/${id}/screenshots/${encodeURIComponent(failed.region)}/${failed.slotAt}`,
      );

      // The monitor's page: open that result and see the page as the check saw it. The access
      // token's cookie is gone first (as 15 minutes after the last request): the picture still
      // comes, through the dashboard's client, which refreshes the session as any request does.
      await page.reload();
      const result = page
        .locator(".results-list li")
        .filter({ has: page.locator(`time[datetime="${failed.slotAt}"]`) });
      await result.locator("summary").waitFor({ timeout: UI_TIMEOUT_MS });
      await context.clearCookies({ name: "upblit-access" });
      await result.locator("summary").click();
      const img = result.getByRole("img", { name: /The page as the browser check saw it/ });
      await img.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect
        .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: UI_TIMEOUT_MS })
        .toBe(1280);
      expect(await img.evaluate((el) => (el as HTMLImageElement).naturalHeight)).toBe(800);
      await img.scrollIntoViewIfNeeded();
      await screenshots(page, "monitor-detail-browser-screenshot");
      await expectAccessible(page);
    },
    scaledTimeout(300_000),
  );
});
