import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type Dashboard,
  expectAccessible,
  START_TIMEOUT_MS,
  scaledTimeout,
  screenshots,
  startDashboard,
  UI_TIMEOUT_MS,
} from "./dashboard/harness.ts";

/** Accessible in both themes, then a screenshot of each. */
async function look(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshots(page, name);
}

/**
 * The organization's heartbeat ping key in the team settings (make it, read the readable URL on a
 * heartbeat's page, ping it, replace the key after a confirmation) and the quorum field of the
 * monitor form, with the API's problem beside it; against a real Upblit in Chromium.
 */
describe("dashboard: heartbeat ping key and quorum", () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await startDashboard();
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
  });

  it(
    "makes the ping key, shows a heartbeat's readable URL that answers, and replaces the key",
    async () => {
      const heartbeat = await api<{ id: string }>(d.base, "POST", "/api/v1/monitors", {
        name: "Nightly backup",
        type: "heartbeat",
        heartbeat: { slug: "nightly-backup", periodSeconds: 86_400, graceSeconds: 3_600 },
      });
      const { page } = await d.signedIn();
      await page.goto("/settings/team");
      const section = page.getByRole("region", { name: "Heartbeat ping key" });
      await section.getByText(/No ping key yet/).waitFor({ timeout: UI_TIMEOUT_MS });
      await section.getByRole("button", { name: "Make a ping key" }).click();
      const keyField = section.getByLabel("Ping key");
      await keyField.waitFor({ timeout: UI_TIMEOUT_MS });
      const key = await keyField.inputValue();
      expect(key).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await section.getByLabel("Readable ping URL").inputValue()).toBe(`${d.base}/ping/${key}/{slug}`);
      await section.scrollIntoViewIfNeeded();
      await look(page, "ping-key");

      await page.goto(`/monitors/${heartbeat.id}`);
      const readable = page.getByLabel("Readable ping URL");
      await readable.waitFor({ timeout: UI_TIMEOUT_MS });
      const url = await readable.inputValue();
      expect(url).toBe(`${d.base}/ping/${key}/nightly-backup`);
      const ping = await fetch(url);
      expect(ping.status).toBe(200);
      expect(await ping.text()).toBe("OK");
      await look(page, "heartbeat-ping-urls");

      await page.goto("/settings/team");
      await section.getByLabel("Ping key").waitFor({ timeout: UI_TIMEOUT_MS });
      await section.getByRole("button", { name: "Replace the key" }).click();
      await section.getByText(/stops working at once/).waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "ping-key-rotate-confirm");
      await section.getByRole("button", { name: "Yes, replace it" }).click();
      await section.getByText("The new key is in use.").waitFor({ timeout: UI_TIMEOUT_MS });
      const newKey = await section.getByLabel("Ping key").inputValue();
      expect(newKey).not.toBe(key);
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(`${d.base}/ping/${newKey}/nightly-backup`)).status).toBe(200);
    },
    scaledTimeout(240_000),
  );

  it(
    "the monitor form takes a quorum from two regions on and shows the API's problem beside it",
    async () => {
      const { page } = await d.signedIn();
      await page.goto("/monitors/new");
      await page.getByLabel("Name").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Type").selectOption("tcp");
      await page.getByLabel("Name").fill("Database");
      await page.getByLabel("Host and port").fill("127.0.0.1:5432");
      expect(await page.getByLabel("Quorum").count()).toBe(0);
      await page.getByLabel("Regions").fill("local, eu-west");
      await page.getByLabel("Quorum").fill("3");
      await page.getByRole("button", { name: /^Create/ }).click();
      const problem = page.getByText("must be at most the number of regions (2)");
      await problem.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.getByLabel("Quorum").getAttribute("aria-invalid")).toBe("true");
      // The sticky action bar sits at the page's end then, not over the field's message.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await look(page, "monitor-form-quorum-error");
    },
    scaledTimeout(240_000),
  );
});
