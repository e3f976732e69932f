import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDnsServer, type TestDnsServer } from "../../src/test/dns-server.ts";
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
import { httpMonitor } from "./helpers.ts";

async function look(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshots(page, name);
}

let visits = 0;
/**
 * Opens the public page as a visitor would after a change: public pages may be kept 30 s by the
 * browser (`max-age=30`), so each visit asks with a new query the page ignores.
 */
async function visitPublic(pub: Page, slug: string): Promise<void> {
  await pub.goto(`/status/${slug}?visit=${++visits}`);
}

/** The component names of the public page, in the order visitors see them. */
async function publicOrder(pub: Page, slug: string): Promise<string[]> {
  await visitPublic(pub, slug);
  return pub.locator("[data-component] h3").allTextContents();
}

/**
 * Status pages in the dashboard, in Chromium against a real Upblit: create a page, add and
 * reorder components (keyboard and drag), see the colour contrast rule, save and see the public
 * page change; a draft incident published in one click and an update, on the public page; a
 * custom domain verified against a local DNS server; a subscriber; the SLA report as CSV. Every
 * screen is checked with axe-core and saved in both themes.
 */
describe("dashboard: status pages in Chromium", () => {
  let d: Dashboard;
  let dns: TestDnsServer;
  let target: Server;

  beforeAll(async () => {
    target = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    dns = await startTestDnsServer();
    d = await startDashboard({ env: { STATUS_DOMAIN_RESOLVER: dns.address } });
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
    await dns?.close();
    target?.closeAllConnections();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  });

  it(
    "builds a page, reorders it, posts an incident and sees both on the public page; domains, subscribers, SLA CSV",
    async () => {
      const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
      for (const name of ["web-prod", "db-primary"]) {
        await api(d.base, "POST", "/api/v1/monitors", httpMonitor(name, url, { intervalSeconds: 5 }));
      }
      const { context, page } = await d.signedIn();
      const pub = await context.newPage();
      const wait = { timeout: UI_TIMEOUT_MS };

      // The list, empty, then a new page: the slug follows the title.
      await page.goto("/status-pages");
      await page.getByText("No status page yet").waitFor(wait);
      await look(page, "status-pages-empty");
      await page.getByLabel("Title").fill("Acme Cloud");
      expect(await page.getByLabel("Address (slug)").inputValue()).toBe("acme-cloud");
      await page.getByRole("button", { name: "Create the page" }).click();
      await page.waitForURL((u) => /^\/status-pages\/page_\w+$/.test(u.pathname), wait);
      const pageId = new URL(page.url()).pathname.split("/")[2] as string;

      // Components: a group, two monitors under names of our own.
      await page.getByRole("button", { name: "Add a group" }).click();
      for (const name of ["web-prod", "db-primary"]) {
        await page.getByLabel("Add a monitor to Services").selectOption({ label: name });
        await page.getByRole("button", { name: "Add Services" }).click();
      }
      await page.getByLabel("Shown as").nth(0).fill("Website");
      await page.getByLabel("Shown as").nth(1).fill("Database");
      // The preview follows the unsaved edits.
      await page.getByTestId("preview").getByText("Database").waitFor(wait);

      // Keyboard reorder: Database's handle, ↑.
      await page.getByRole("button", { name: "Move Database", exact: true }).focus();
      await page.keyboard.press("ArrowUp");
      await page.getByText("Database moved to Services, position 1 of 2.").waitFor(wait);
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")))
        .toBe("Move Database");

      // The contrast rule, shown while typing, then refused by the server beside the colour.
      const lightText = page.getByLabel("Text", { exact: true }).first();
      await lightText.fill("#aaaaaa");
      await page.getByText("Text on background: 2.32:1, too low: needs 4.5:1").waitFor(wait);
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("contrast with the background is 2.32:1; WCAG AA needs 4.5:1").waitFor(wait);
      // Screenshots only: the preview shows the unreadable colours on purpose, which axe flags.
      await screenshots(page, "status-page-editor-contrast");
      await lightText.fill("#1f2328");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Saved: the public page shows this now.").waitFor(wait);
      await look(page, "status-page-editor");
      expect(await publicOrder(pub, "acme-cloud")).toEqual(["Database", "Website"]);

      // Drag Website's handle onto Database: it goes first; saved, the public page follows.
      await page
        .getByRole("button", { name: "Move Website", exact: true })
        .dragTo(page.getByRole("button", { name: "Move Database", exact: true }));
      await page.getByText("Website moved to Services, position 1 of 2.").waitFor(wait);
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Saved: the public page shows this now.").waitFor(wait);
      expect(await publicOrder(pub, "acme-cloud")).toEqual(["Website", "Database"]);

      // Incidents: a draft, invisible to visitors until published in one click; then an update.
      const sections = page.getByRole("navigation", { name: "Status page sections" });
      await sections.getByRole("link", { name: "Incidents" }).click();
      await page.getByText("Nothing posted on this page yet").waitFor(wait);
      await page.getByLabel("Impact").selectOption({ label: "Partial outage" });
      await page.getByLabel("Incident title").fill("Slow checkout");
      await page.getByRole("checkbox", { name: "Website" }).check();
      await page.getByLabel("Message (markdown)").fill("We are looking into **slow** checkouts.");
      await page.getByLabel("Publish now").uncheck();
      await page.getByRole("button", { name: "Save as draft" }).click();
      await page
        .getByRole("region", { name: "Drafts" })
        .getByRole("heading", { name: "Slow checkout" })
        .waitFor(wait);
      await visitPublic(pub, "acme-cloud");
      expect(await pub.getByText("Slow checkout").count()).toBe(0);
      await page.getByRole("button", { name: "Publish Slow checkout" }).click();
      const card = page.getByRole("article", { name: "Slow checkout" });
      await page
        .getByRole("region", { name: "Open" })
        .getByRole("heading", { name: "Slow checkout" })
        .waitFor(wait);
      await card.getByLabel("New status").selectOption({ label: "Identified" });
      await card.getByLabel("Update (markdown)").fill("Found it: a **full disk**.");
      await card.getByRole("button", { name: "Post the update" }).click();
      await card.locator("strong", { hasText: "full disk" }).waitFor(wait);
      await look(page, "status-page-incidents");
      await visitPublic(pub, "acme-cloud");
      await pub.getByRole("heading", { name: "Slow checkout" }).first().waitFor(wait);
      await pub.locator("strong", { hasText: "full disk" }).first().waitFor(wait);
      expect(await pub.getByText("Partial System Outage").count()).toBeGreaterThan(0);

      // A custom domain: the TXT record to create, a failed verify, then a verified one.
      await sections.getByRole("link", { name: "Custom domains" }).click();
      await page.getByText("No custom domain").waitFor(wait);
      await page.getByLabel("Domain", { exact: true }).fill("status.acme-e2e.com");
      await page.getByRole("button", { name: "Claim a domain" }).click();
      const recordName = page.getByText("_upblit-challenge.status.acme-e2e.com");
      await recordName.waitFor(wait);
      await page.getByRole("button", { name: "Verify status.acme-e2e.com" }).click();
      await page.getByRole("alert").waitFor(wait);
      await look(page, "status-page-domains");
      const token = (await page.locator("code", { hasText: /^upblit-verify-/ }).textContent()) ?? "";
      dns.setTxt("_upblit-challenge.status.acme-e2e.com", [token]);
      await page.getByRole("button", { name: "Verify status.acme-e2e.com" }).click();
      await page.getByText("Verified: the page is served on this domain.").waitFor(wait);
      await page.locator(".pill", { hasText: /^Verified$/ }).waitFor(wait);

      // Subscribers: one who subscribed on the public page, then removed.
      const sub = await fetch(`${d.base}/status/acme-cloud/subscribe`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ada@example.com" }),
      });
      expect(sub.status).toBe(202);
      await sections.getByRole("link", { name: "Subscribers" }).click();
      await page.getByRole("cell", { name: "ada@example.com", exact: true }).waitFor(wait);
      await page.getByText("Waiting for confirmation").waitFor(wait);
      await look(page, "status-page-subscribers");
      page.once("dialog", (dialog) => void dialog.accept());
      await page.getByRole("button", { name: "Remove ada@example.com" }).click();
      await page.getByText("No subscribers yet").waitFor(wait);

      // The SLA report of this month, and the same figures as CSV.
      await sections.getByRole("link", { name: "SLA reports" }).click();
      const month = new Date().toISOString().slice(0, 7);
      await page.getByText(`SLA for ${month}`).waitFor(wait);
      await page.getByRole("cell", { name: "Website", exact: true }).waitFor(wait);
      await look(page, "status-page-reports");
      const [download] = await Promise.all([
        page.waitForEvent("download", wait),
        page.getByRole("button", { name: "Download CSV" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`acme-cloud-sla-${month}.csv`);
      const csv = readFileSync(await download.path(), "utf8").split("\r\n");
      expect(csv[0]).toBe(
        "component,group,monitor_id,uptime_percent,checks,up,degraded,down,down_minutes,incidents,maintenance_minutes",
      );
      expect(csv.slice(1, 3).map((line) => line.split(",").slice(0, 2).join(","))).toEqual([
        "Website,Services",
        "Database,Services",
      ]);

      // The list with the page, and the editor at phone width.
      await page.goto("/status-pages");
      await page.getByRole("link", { name: "Acme Cloud" }).waitFor(wait);
      await look(page, "status-pages-list");
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`/status-pages/${pageId}`);
      await page.getByRole("button", { name: "Move Website", exact: true }).waitFor(wait);
      await look(page, "status-page-editor-phone");
      await context.close();
    },
    scaledTimeout(400_000),
  );
});
