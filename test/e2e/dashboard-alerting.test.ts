import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../../src/test/receiver.ts";
import { type AlertingScreens, startAlertingScreens } from "./dashboard/alerting.ts";
import { api, type Dashboard, scaledTimeout, UI_TIMEOUT_MS } from "./dashboard/harness.ts";
import { freePort, httpMonitor } from "./helpers.ts";

interface Rule {
  name: string;
  tags: string[];
  channelIds: string[];
  reminderMinutes: number | null;
  escalation: Array<{ afterMinutes: number; channelIds: string[] }>;
}

/**
 * The alerting screens in Chromium against a real server and a local HTTP receiver: a webhook
 * channel created through the form built from its kind's schema (the generated signing secret
 * shown once really signs), a test-send with the receiver's answer, the template preview, a routing
 * policy built and edited in place, and a recurring maintenance window in a time zone. The
 * deliveries screen (a real alert's dead letter retried from there) is dashboard-deliveries'.
 */
describe("dashboard: alerting screens in Chromium", () => {
  let screens: AlertingScreens;
  let d: Dashboard;
  let page: Page;
  let receiver: Receiver;
  let channelId = "";
  let signingSecret = "";
  const check = (name: string) => screens.check(name);

  beforeAll(async () => {
    screens = await startAlertingScreens();
    ({ d, page, receiver } = screens);
  }, scaledTimeout(180_000));

  afterAll(async () => {
    await screens?.close();
  });

  it(
    "creates a webhook channel from the form; its generated secret is shown once and signs the test-send",
    async () => {
      await page.goto("/");
      await page.getByRole("link", { name: "Channels" }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByText("No channel yet").waitFor({ timeout: UI_TIMEOUT_MS });
      await check("alerting-channels-empty");
      await page.getByRole("link", { name: "New channel" }).first().click();
      await page.getByLabel("Kind").selectOption("webhook", { timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Name", { exact: true }).fill("ops hook");
      // Saving without the URL names it before anything is sent.
      await page.getByRole("button", { name: "Create channel" }).click();
      await page.getByText("Required").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel(/^URL/).fill(`${receiver.origin}/hook`);
      await page.getByLabel("Default channel: alert for every monitor of the organization").check();
      await page.getByLabel("Degraded").check();
      await check("alerting-channel-new");
      await page.getByRole("button", { name: "Create channel" }).click();

      const shown = page.getByTestId("generated-signingSecret");
      await shown.waitFor({ timeout: UI_TIMEOUT_MS });
      signingSecret = (await shown.textContent()) ?? "";
      expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      await check("alerting-channel-secret-once");
      await page.getByRole("link", { name: "Continue to the channel" }).click();
      await page.waitForURL(/\/channels\/chn_/, { timeout: UI_TIMEOUT_MS });
      channelId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
      // Shown once: the channel page (and the API) never show it again.
      await page
        .getByRole("heading", { name: "Channel ops hook", exact: true })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.content()).not.toContain(signingSecret);
      const saved = await api<{ config: object; secretsSet: string[]; isDefault: boolean; events: string[] }>(
        d.base,
        "GET",
        `/api/v1/channels/${channelId}`,
      );
      expect(saved).toMatchObject({
        config: { url: `${receiver.origin}/hook` },
        secretsSet: ["signingSecret"],
        isDefault: true,
        events: ["down", "up", "degraded"],
      });

      receiver.answer(202, '{"accepted":true}');
      await page.getByRole("button", { name: "Send a test message" }).click();
      await page.getByText("Delivered: the receiver answered 202.").waitFor({ timeout: UI_TIMEOUT_MS });
      const [sent] = await receiver.waitFor(1);
      const payload = new Webhook(signingSecret).verify(sent!.body, sent!.headers as Record<string, string>);
      expect(payload).toMatchObject({ type: "test" });

      // A refusing receiver: the answer is shown as the receiver gave it.
      receiver.answer(403, "no");
      await page.getByRole("button", { name: "Send a test message" }).click();
      await page.getByText(/Not delivered \(status 403\)/).waitFor({ timeout: UI_TIMEOUT_MS });
      receiver.answer(200, "{}");
      await check("alerting-channel-page");
    },
    scaledTimeout(240_000),
  );

  it(
    "previews the exact request of each event kind while the template is typed, then saves it",
    async () => {
      await page.goto(`/channels/${channelId}`);
      const body = page.locator(".preview-body").first();
      await body.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect
        .poll(async () => body.textContent(), { timeout: UI_TIMEOUT_MS })
        .toContain('"monitor.down"');
      await page.getByLabel("Title", { exact: true }).fill("[ops] {{monitor}} is {{state}}");
      await expect
        .poll(async () => body.textContent(), { timeout: UI_TIMEOUT_MS })
        .toContain('"title": "[ops] Checkout API is down"');
      await page.getByLabel("Preview for").selectOption("reminder");
      await expect
        .poll(async () => body.textContent(), { timeout: UI_TIMEOUT_MS })
        .toContain('"incident.reminder"');
      // A broken template: the server's message lands beside the field.
      await page.getByLabel("Text", { exact: true }).fill("{{#monitor}} never closed");
      await page.locator(".field-error", { hasText: /line 1/i }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Text", { exact: true }).fill("Runbook: {{runbook_url}}");
      await page.getByRole("button", { name: "Save template" }).click();
      await page.getByText("Template saved.").waitFor({ timeout: UI_TIMEOUT_MS });
      const saved = await api<{ template: object }>(d.base, "GET", `/api/v1/channels/${channelId}`);
      expect(saved.template).toEqual({
        title: "[ops] {{monitor}} is {{state}}",
        text: "Runbook: {{runbook_url}}",
      });
      await check("alerting-channel-template");
    },
    scaledTimeout(180_000),
  );

  it(
    "builds a routing policy with escalation, read back as a sentence, and edits it in place",
    async () => {
      const pager = await api<{ id: string }>(d.base, "POST", "/api/v1/channels", {
        name: "PagerDuty stand-in",
        kind: "webhook",
        config: { url: `${receiver.origin}/pager` },
        events: ["down", "up"],
      });
      // The monitor the later screens count (one, tagged db): down at once, alerting ops hook.
      const closed = await freePort();
      await api(
        d.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("Checkout", `http://127.0.0.1:${closed}/`, { tags: ["db"] }),
      );
      await page.goto("/");
      await page.getByRole("link", { name: "Routing" }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByText("No routing rule yet").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText(/Every monitor → ops hook/).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByRole("button", { name: "New rule" }).click();
      await page.getByLabel("Rule name").fill("databases");
      await page.getByLabel(/^Monitors tagged/).fill("db");
      const sendTo = page.getByRole("group", { name: "Send to", exact: true });
      await sendTo.getByLabel("ops hook").check();
      await page.getByRole("button", { name: "Add an escalation step" }).click();
      await page.getByLabel("Step 1: minutes unacknowledged").fill("15");
      await page
        .getByRole("group", { name: "Step 1: send to", exact: true })
        .getByLabel("PagerDuty stand-in")
        .check();
      // The sentence follows what is typed, before saving.
      const live = page.locator(".rule-editor .policy");
      await live.getByText("15 min unacknowledged").waitFor({ timeout: UI_TIMEOUT_MS });
      await check("alerting-routing-editor");
      await page.getByRole("button", { name: "Create rule" }).click();

      const card = page.getByRole("article", { name: "databases" });
      await card.waitFor({ timeout: UI_TIMEOUT_MS });
      await card.getByText("Monitors tagged db").waitFor({ timeout: UI_TIMEOUT_MS });
      const steps = await card.locator(".policy-steps li").allTextContents();
      expect(steps.map((s) => s.replace(/\s+/g, " "))).toEqual([
        "Down, Up → goes to ops hook",
        "15 min unacknowledged → goes to PagerDuty stand-in",
      ]);
      await card.getByText("Acknowledging the incident stops its reminders and escalation.").waitFor();

      await card.getByRole("button", { name: "Edit databases" }).click();
      await page.getByLabel("Remind every (minutes)").fill("30");
      await page.getByRole("button", { name: "Save rule" }).click();
      await page
        .getByRole("article", { name: "databases" })
        .getByText("every 30 min unacknowledged, a reminder")
        .waitFor({ timeout: UI_TIMEOUT_MS });
      const rules = await api<{ items: Rule[] }>(d.base, "GET", "/api/v1/alert-rules");
      expect(rules.items).toMatchObject([
        {
          name: "databases",
          tags: ["db"],
          channelIds: [channelId],
          reminderMinutes: 30,
          escalation: [{ afterMinutes: 15, channelIds: [pager.id] }],
        },
      ]);
      await check("alerting-routing");
    },
    scaledTimeout(240_000),
  );

  it(
    "schedules a recurring window in a time zone covering every monitor and a tag, with its calendar",
    async () => {
      await page.goto("/");
      await page.getByRole("link", { name: "Maintenance" }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByText("No maintenance window").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByRole("button", { name: "New window" }).click();
      await page.getByLabel("Title", { exact: true }).fill("Weekly patching");
      await page.getByLabel("Recurring").check();
      await page.getByLabel("Time zone").fill("Europe/Berlin");
      await page.getByLabel("Starts at (local time)").fill("02:30");
      await page.getByLabel("Lasts (minutes)").fill("90");
      await page.getByLabel("Wednesday").check();
      await page.getByRole("button", { name: "Select the 1 monitor", exact: true }).click();
      await page.getByRole("button", { name: "Select the 1 tag", exact: true }).click();
      const preview = page.locator(".window-form .calendar");
      await preview.getByText("02:30–04:00").first().waitFor({ timeout: UI_TIMEOUT_MS });
      await check("alerting-maintenance-form");
      await page.getByRole("button", { name: "Create window" }).click();

      const item = page.getByRole("listitem", { name: "Weekly patching" });
      await item
        .getByText("Every Sun, Wed at 02:30 for 90 min (Europe/Berlin)")
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await item.getByText(/1 monitor by name; tags: db/).waitFor();
      await page.locator(".calendar .calendar-title", { hasText: "Weekly patching" }).first().waitFor({
        timeout: UI_TIMEOUT_MS,
      });
      const windows = await api<{ items: Array<Record<string, unknown>> }>(
        d.base,
        "GET",
        "/api/v1/maintenance-windows",
      );
      expect(windows.items).toMatchObject([
        {
          title: "Weekly patching",
          tags: ["db"],
          schedule: {
            type: "recurring",
            timezone: "Europe/Berlin",
            startTime: "02:30",
            durationMinutes: 90,
            weekly: { days: ["sun", "wed"] },
          },
        },
      ]);
      expect(windows.items[0]?.monitorIds).toHaveLength(1);
      await check("alerting-maintenance");
    },
    scaledTimeout(240_000),
  );

  it(
    "fits a phone: every alerting screen at 390 px wide, without sideways scrolling, axe-clean",
    async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [path, name] of [
        ["/channels", "alerting-channels-phone"],
        [`/channels/${channelId}`, "alerting-channel-page-phone"],
        ["/routing", "alerting-routing-phone"],
        ["/deliveries", "alerting-deliveries-phone"],
        ["/maintenance", "alerting-maintenance-phone"],
      ] as const) {
        await page.goto(path);
        await page.locator("main h1").first().waitFor({ timeout: UI_TIMEOUT_MS });
        await page
          .locator("main [aria-busy='true']")
          .first()
          .waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
        await check(name);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    },
    scaledTimeout(240_000),
  );
});
