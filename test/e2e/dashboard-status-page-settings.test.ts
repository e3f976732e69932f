import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../../src/test/receiver.ts";
import {
  api,
  type Dashboard,
  expectAccessible,
  START_TIMEOUT_MS,
  scaledTimeout,
  screenshots,
  startDashboard,
  UI_TIMEOUT_MS,
  waitFor,
} from "./dashboard/harness.ts";
import { httpMonitor } from "./helpers.ts";

async function look(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshots(page, name);
}

let visits = 0;
/** The public page as a visitor sees it after a change (a new query each time: `max-age=30`). */
async function visitPublic(pub: Page, slug: string): Promise<void> {
  await pub.goto(`/status/${slug}?visit=${++visits}`);
}

/**
 * The status page screens added after the first round, in Chromium against a real Upblit: footer
 * links (a bad address refused beside its field, then saved and shown on the public page),
 * correcting a posted incident's title and impact (the public page follows), and webhook
 * subscriptions (the secret shown once signs the notice a local receiver gets; removal).
 */
describe("dashboard: status page footer links, incident edits, webhook subscriptions", () => {
  let d: Dashboard;
  let target: Server;
  let receiver: Receiver;

  beforeAll(async () => {
    target = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    receiver = await startReceiver();
    d = await startDashboard();
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
    await receiver?.close();
    target?.closeAllConnections();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  });

  it(
    "edits footer links, corrects an incident, and subscribes a webhook, each seen from outside",
    async () => {
      const wait = { timeout: UI_TIMEOUT_MS };
      const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
      const web = await api<{ id: string }>(
        d.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("web-prod", url, { intervalSeconds: 5 }),
      );
      const created = await api<{ id: string }>(d.base, "POST", "/api/v1/status-pages", {
        slug: "acme-links",
        title: "Acme Links",
        groups: [{ name: "Services", components: [{ monitorId: web.id, displayName: "Website" }] }],
      });
      const { context, page } = await d.signedIn();
      const pub = await context.newPage();

      // Footer links: a bad address is refused beside its field; fixed and saved, visitors see them.
      await page.goto(`/status-pages/${created.id}`);
      await page.getByText("No footer link.").waitFor(wait);
      await page.getByRole("button", { name: "Add a footer link" }).click();
      await page.getByLabel("Link 1: text").fill("Support");
      await page.getByLabel("Link 1: address").fill("support.acme.example");
      await page.getByRole("button", { name: "Add a footer link" }).click();
      await page.getByLabel("Link 2: text").fill("Privacy");
      await page.getByLabel("Link 2: address").fill("https://acme.example/privacy");
      await page.getByTestId("preview").getByText("Privacy").waitFor(wait);
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page
        .locator(".sp-footer-link .field-error", { hasText: "must be an absolute http:// or https:// URL" })
        .waitFor(wait);
      await page.getByLabel("Link 1: address").fill("https://support.acme.example/help");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Saved: the public page shows this now.").waitFor(wait);
      await look(page, "status-page-footer-links");
      await visitPublic(pub, "acme-links");
      const footer = pub.getByRole("navigation", { name: "Footer" });
      expect(await footer.getByRole("link").allTextContents()).toEqual(["Support", "Privacy"]);
      expect(await footer.getByRole("link", { name: "Support" }).getAttribute("href")).toBe(
        "https://support.acme.example/help",
      );
      await page.getByRole("button", { name: "Remove link 1" }).click();
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Saved: the public page shows this now.").waitFor(wait);
      await visitPublic(pub, "acme-links");
      expect(
        await pub.getByRole("navigation", { name: "Footer" }).getByRole("link").allTextContents(),
      ).toEqual(["Privacy"]);

      // A posted incident's title and impact, corrected in place.
      await api(d.base, "POST", `/api/v1/status-pages/${created.id}/incidents`, {
        title: "Slow checkout",
        impact: "minor",
        componentIds: [web.id],
        message: "We are looking into it.",
      });
      const sections = page.getByRole("navigation", { name: "Status page sections" });
      await sections.getByRole("link", { name: "Incidents" }).click();
      const card = page.getByRole("article", { name: "Slow checkout" });
      await card.getByRole("button", { name: "Edit title and impact Slow checkout" }).click(wait);
      const edit = page.getByRole("form", { name: "Edit Slow checkout" });
      await edit.getByLabel("Title", { exact: true }).fill("");
      expect(await edit.getByRole("button", { name: "Save the changes" }).isDisabled()).toBe(true);
      await edit.getByLabel("Title", { exact: true }).fill("Checkout payments failing");
      await edit.getByLabel("Impact").selectOption({ label: "Major outage" });
      await look(page, "status-page-incident-edit");
      await edit.getByRole("button", { name: "Save the changes" }).click();
      const renamed = page.getByRole("article", { name: "Checkout payments failing" });
      await renamed.locator(".pill", { hasText: "Major outage" }).waitFor(wait);
      await visitPublic(pub, "acme-links");
      await pub.getByRole("heading", { name: "Checkout payments failing" }).first().waitFor(wait);
      expect(await pub.getByText("Slow checkout").count()).toBe(0);
      expect(await pub.getByText("Major System Outage").count()).toBeGreaterThan(0);

      // A webhook subscription: the secret is shown once and signs the notice of the next update.
      await sections.getByRole("link", { name: "Subscribers" }).click();
      const hooks = page.getByRole("region", { name: "Webhook subscriptions" });
      await hooks.getByText("No webhook subscription.").waitFor(wait);
      await hooks.getByLabel("Address (https://…)").fill(`${receiver.origin}/status-hook`);
      await hooks.getByRole("checkbox", { name: "Website" }).check();
      await hooks.getByRole("button", { name: "Add the webhook" }).click();
      const secretField = hooks.getByLabel("Signing secret");
      await secretField.waitFor(wait);
      const secret = await secretField.inputValue();
      expect(secret).toMatch(/^whsec_/);
      await hooks.locator("code", { hasText: `${receiver.origin}/status-hook` }).waitFor(wait);
      await look(page, "status-page-webhooks");
      const listed = await api<{ items: Array<{ url: string; components: string[] }> }>(
        d.base,
        "GET",
        `/api/v1/status-pages/${created.id}/webhooks`,
      );
      expect(listed.items).toEqual([
        expect.objectContaining({ url: `${receiver.origin}/status-hook`, components: [web.id] }),
      ]);
      expect(JSON.stringify(listed)).not.toContain(secret);

      await sections.getByRole("link", { name: "Incidents" }).click();
      await renamed.getByLabel("New status").selectOption({ label: "Monitoring" });
      await renamed.getByLabel("Update (markdown)").fill("Payments flow again.");
      await renamed.getByRole("button", { name: "Post the update" }).click();
      const [notice] = await receiver.waitFor(1, UI_TIMEOUT_MS * 2);
      const payload = new Webhook(secret).verify(notice!.body, notice!.headers as Record<string, string>);
      expect(payload).toMatchObject({
        data: { incident: { title: "Checkout payments failing", impact: "critical" } },
      });
      await visitPublic(pub, "acme-links");
      await pub.getByText("Payments flow again.").first().waitFor(wait);

      // Removed, it gets nothing more.
      await sections.getByRole("link", { name: "Subscribers" }).click();
      await hooks
        .getByRole("button", { name: `Remove the webhook ${receiver.origin}/status-hook` })
        .click(wait);
      await hooks.getByRole("button", { name: "Yes, remove it" }).click();
      await hooks.getByText("No webhook subscription.").waitFor(wait);
      await waitFor(
        "the subscription to be gone",
        async () =>
          (await api<{ items: unknown[] }>(d.base, "GET", `/api/v1/status-pages/${created.id}/webhooks`))
            .items.length === 0,
      );
      await look(page, "status-page-webhooks-empty");

      // The new parts at phone width, without sideways scrolling.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [path, name] of [
        [`/status-pages/${created.id}/subscribers`, "status-page-webhooks-phone"],
        [`/status-pages/${created.id}/incidents`, "status-page-incidents-phone"],
        [`/status-pages/${created.id}`, "status-page-footer-links-phone"],
      ] as const) {
        await page.goto(path);
        await page.locator("main h1").first().waitFor(wait);
        await page
          .locator("main [aria-busy='true']")
          .first()
          .waitFor({ state: "detached", ...wait });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
        await look(page, name);
      }
      await context.close();
    },
    scaledTimeout(400_000),
  );
});
