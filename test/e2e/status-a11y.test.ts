import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, createMonitor, getJson, waitFor } from "../../src/test/api-helpers.ts";
import { type Receiver, startReceiver } from "../../src/test/receiver.ts";
import { createPage, type PageJson } from "../../src/test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../src/test/upblit.ts";
import { seriousViolations } from "./axe.ts";
import { launchChromium } from "./status-browser.ts";

const HOUR = 3_600_000;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * axe-core in real Chromium on a full page (an outage, maintenance ongoing and scheduled, groups,
 * bars, footer links) and on the password form: no serious or critical violations in the light
 * and the dark theme.
 */
describe("status page accessibility in Chromium", () => {
  let up: TestUpblit;
  let receiver: Receiver;
  let browser: Browser;
  let base: string;
  let page: PageJson;
  let locked: PageJson;

  beforeAll(async () => {
    up = await startTestUpblit("pglite");
    receiver = await startReceiver();
    base = await up.app!.listen({ port: 0, host: "127.0.0.1" });
    const fast = { intervalSeconds: 1, timeoutMs: 800 };
    const web = await createMonitor(up, {
      ...fast,
      name: "web",
      type: "http",
      target: `${receiver.origin}/`,
    });
    const db = await createMonitor(up, {
      ...fast,
      name: "db",
      type: "tcp",
      target: `127.0.0.1:${await closedPort()}`,
    });
    page = await createPage(up, {
      title: "Acme Cloud",
      description: "Live status of the services we run for you.",
      footerText: "Follow the incident channel for details.",
      footerLinks: [
        { label: "Support", url: "https://support.example.com/" },
        { label: "Terms", url: "https://example.com/terms" },
      ],
      groups: [
        { name: "Applications", components: [{ monitorId: web.id, displayName: "Website" }] },
        { name: "Data", components: [{ monitorId: db.id, displayName: "Database" }] },
      ],
    });
    locked = await createPage(up, {
      title: "Locked",
      visibility: "password",
      password: "a long password here",
    });
    const now = Date.now();
    for (const [title, from, to, id] of [
      ["Storage upgrade", now - HOUR, now + HOUR, db.id],
      ["Network maintenance", now + 24 * HOUR, now + 26 * HOUR, web.id],
    ] as const) {
      const res = await call(up, "POST", `${API}/maintenance-windows`, {
        title,
        monitorIds: [id],
        schedule: {
          type: "once",
          startsAt: new Date(from).toISOString(),
          endsAt: new Date(to).toISOString(),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await waitFor(
      () => getJson<{ state: string }>(up, `${API}/monitors/${web.id}`),
      (m) => m.state === "up",
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await up?.close();
    await receiver?.close();
  });

  for (const colorScheme of ["light", "dark"] as const) {
    it(`has no serious or critical violations in the ${colorScheme} theme`, async () => {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1024, height: 900 } });
      try {
        const tab = await context.newPage();
        expect((await tab.goto(`${base}/status/${page.slug}`))?.status()).toBe(200);
        await tab.locator("h2", { hasText: "Ongoing maintenance" }).waitFor();
        expect(await tab.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(
          colorScheme === "dark",
        );
        expect(await seriousViolations(tab)).toEqual([]);
        if (process.env.STATUS_SCREENSHOTS) {
          await tab.screenshot({
            path: `${process.env.STATUS_SCREENSHOTS}/status-${colorScheme}.png`,
            fullPage: true,
          });
        }

        const form = await context.newPage();
        expect((await form.goto(`${base}/status/${locked.slug}`))?.status()).toBe(401);
        expect(await seriousViolations(form)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("can be used with the keyboard: the skip link comes first and leads to the content", async () => {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${base}/status/${page.slug}`);
      await tab.keyboard.press("Tab");
      expect(await tab.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
      const outline = await tab.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).toBe("solid");
      await tab.keyboard.press("Enter");
      expect(await tab.evaluate(() => document.activeElement?.id)).toBe("main");
    } finally {
      await context.close();
    }
  });
});
