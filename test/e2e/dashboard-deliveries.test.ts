import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../../src/test/receiver.ts";
import { type AlertingScreens, startAlertingScreens } from "./dashboard/alerting.ts";
import { api, type Dashboard, scaledTimeout, UI_TIMEOUT_MS, waitFor } from "./dashboard/harness.ts";
import { freePort, httpMonitor } from "./helpers.ts";

/** The text of what an element's `aria-describedby` points at ("" when it points at nothing). */
async function descriptionOf(element: Locator): Promise<string> {
  return await element.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" ")
      .trim(),
  );
}

/**
 * The deliveries screen in Chromium against a real server and a local HTTP receiver: a real down
 * alert to a webhook channel the receiver refuses becomes a dead letter, seen in the deliveries
 * screen and retried from there (one, then several), and the channel list shows the outcome.
 * The alerting screens themselves (channels, routing, maintenance) are dashboard-alerting's.
 */
describe("dashboard: the deliveries screen in Chromium", () => {
  let screens: AlertingScreens;
  let d: Dashboard;
  let page: Page;
  let receiver: Receiver;
  const check = (name: string) => screens.check(name);

  beforeAll(async () => {
    screens = await startAlertingScreens();
    ({ d, page, receiver } = screens);
    // The default channel every alert goes to, as dashboard-alerting's first test makes it in the form.
    await api(d.base, "POST", "/api/v1/channels", {
      name: "ops hook",
      kind: "webhook",
      config: { url: `${receiver.origin}/hook` },
      isDefault: true,
      events: ["down", "up", "degraded"],
    });
  }, scaledTimeout(180_000));

  afterAll(async () => {
    await screens?.close();
  });

  /** A monitor of a closed port (so down at once), and the wait for its alert to become a dead letter. */
  async function deadLetterOf(name: string, tags: string[] = []): Promise<string> {
    const closed = await freePort();
    const monitor = await api<{ id: string }>(
      d.base,
      "POST",
      "/api/v1/monitors",
      httpMonitor(name, `http://127.0.0.1:${closed}/`, { tags }),
    );
    await waitFor(
      `the down alert of ${name} to become a dead letter`,
      async () =>
        (
          await api<{ items: unknown[] }>(
            d.base,
            "GET",
            `/api/v1/notifications?status=failed&monitorId=${monitor.id}`,
          )
        ).items.length > 0,
      UI_TIMEOUT_MS * 2,
    );
    return monitor.id;
  }

  /** How many dead letters the organization has. */
  async function deadCount(): Promise<number> {
    return (await api<{ items: unknown[] }>(d.base, "GET", "/api/v1/notifications?status=failed")).items
      .length;
  }

  it(
    "shows a real alert's dead letter in the deliveries screen and retries it from there, in words right for one and several",
    async () => {
      receiver.answer(400, "bad payload");
      await deadLetterOf("Checkout", ["db"]);
      await page.goto("/");
      await page.getByRole("link", { name: "Deliveries" }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Show").selectOption("failed", { timeout: UI_TIMEOUT_MS });
      const row = page.locator(".delivery-failed").first();
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      await row.getByText("1 attempt", { exact: true }).click();
      await row.getByText("Failed, gave up").waitFor({ timeout: UI_TIMEOUT_MS });
      await row.getByText("400", { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      // The row names its monitor, and its Retry button says what it retries.
      expect(await row.getByRole("link", { name: "Checkout", exact: true }).getAttribute("href")).toMatch(
        /^\/monitors\//,
      );
      await row
        .getByRole("button", { name: "Retry the delivery for Checkout to ops hook", exact: true })
        .waitFor({ timeout: UI_TIMEOUT_MS });

      // One dead letter, nothing selected: singular words, and "Retry selected" off with its reason.
      const bar = page.locator(".bulk-bar");
      const selectAll = bar.getByRole("button", { name: /dead letters? shown$/ });
      const retrySelected = bar.getByRole("button", { name: "Retry selected" });
      expect(await selectAll.textContent()).toBe("Select the 1 dead letter shown");
      await bar.getByText("0 selected", { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await retrySelected.isDisabled()).toBe(true);
      expect(await descriptionOf(retrySelected)).toBe("Tick the dead letters to retry, or select them all.");
      await check("alerting-deliveries-dead");

      // A second dead letter reaches the open screen: plural words.
      const billing = await deadLetterOf("Billing");
      await expect
        .poll(async () => selectAll.textContent(), { timeout: UI_TIMEOUT_MS })
        .toBe("Select all 2 dead letters shown");
      // Two rows told apart by their monitor, newest first.
      const dead = page.locator(".delivery-failed");
      await dead
        .first()
        .getByRole("button", { name: "Retry the delivery for Billing to ops hook", exact: true })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await dead.getByRole("link", { name: /^(Checkout|Billing)$/ }).allTextContents()).toEqual([
        "Billing",
        "Checkout",
      ]);
      await check("alerting-deliveries-dead-two");

      // One ticked: the button comes on and loses the reason; retrying it says so in the singular.
      await page.locator(".delivery-failed").first().getByRole("checkbox").check();
      await bar.getByText("1 selected", { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await retrySelected.isEnabled()).toBe(true);
      expect(await retrySelected.getAttribute("aria-describedby")).toBeNull();
      await check("alerting-deliveries-one-selected");
      const before = receiver.requests.length;
      await retrySelected.click();
      await page
        .getByText("1 delivery queued again: it is pending now.", { exact: true })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await check("alerting-deliveries-retried-one");
      // The receiver still refuses it, so it is a dead letter again: two to retry at once.
      await receiver.waitFor(before + 1, UI_TIMEOUT_MS * 2);
      await waitFor("both dead letters again", async () => (await deadCount()) === 2, UI_TIMEOUT_MS * 2);

      receiver.answer(200, "{}");
      await expect
        .poll(async () => selectAll.textContent(), { timeout: UI_TIMEOUT_MS })
        .toBe("Select all 2 dead letters shown");
      await selectAll.click();
      await bar.getByText("2 selected", { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      await retrySelected.click();
      await page
        .getByText("2 deliveries queued again: they are pending now.", { exact: true })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await receiver.waitFor(before + 3, UI_TIMEOUT_MS * 2);
      await check("alerting-deliveries-retried-two");
      await page.getByLabel("Show").selectOption("sent");
      // The notice was about the rows of the other filter.
      await page
        .getByText("2 deliveries queued again: they are pending now.")
        .waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });
      await page
        .locator(".delivery-sent")
        .first()
        .waitFor({ timeout: UI_TIMEOUT_MS * 2 });
      await check("alerting-deliveries-sent");
      // Billing goes, as when the routing and maintenance screens (one monitor) shared this server.
      await api(d.base, "DELETE", `/api/v1/monitors/${billing}`);

      // The channel list shows the last delivery's outcome.
      await page.getByRole("link", { name: "Channels" }).click();
      const channelRow = page.getByRole("row", { name: /ops hook/ });
      await channelRow.getByText(/Sent 200/).waitFor({ timeout: UI_TIMEOUT_MS * 2 });
      await check("alerting-channels");
    },
    scaledTimeout(360_000),
  );
});
