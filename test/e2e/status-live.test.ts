import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, createMonitor, getJson, waitFor } from "../../src/test/api-helpers.ts";
import { PATIENCE_MS, scaledTimeout } from "../../src/test/patience.ts";
import { type Receiver, startReceiver } from "../../src/test/receiver.ts";
import { createPage, type PageJson } from "../../src/test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../src/test/upblit.ts";
import { launchChromium } from "./status-browser.ts";

/**
 * An open status page in real Chromium receives a component going down live: the monitor's target
 * (a local receiver) switches to 500, the pipeline marks it down, and the page's nonce'd script
 * applies the SSE event without a reload, without polling and without any CSP violation; and an
 * incident published, updated and resolved through the API appears and goes the same way.
 */
/** How long the page may take to show a change, stretched by the machine's load (patience.ts). */
const BROWSER_WAIT_MS = scaledTimeout(PATIENCE_MS);

describe("status page live updates in Chromium", () => {
  let up: TestUpblit;
  let receiver: Receiver;
  let browser: Browser;
  let base: string;
  let page: PageJson;
  let monitorId: string;

  beforeAll(async () => {
    up = await startTestUpblit("pglite");
    receiver = await startReceiver();
    base = await up.app!.listen({ port: 0, host: "127.0.0.1" });
    monitorId = (
      await createMonitor(up, {
        name: "checkout-backend",
        type: "http",
        target: `${receiver.origin}/health`,
        intervalSeconds: 1,
        timeoutMs: 800,
      })
    ).id;
    page = await createPage(up, {
      title: "Shop status",
      groups: [{ name: "Shop", components: [{ monitorId, displayName: "Checkout" }] }],
    });
    await waitFor(
      () => getJson<{ state: string }>(up, `${API}/monitors/${monitorId}`),
      (m) => m.state === "up",
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await up?.close();
    await receiver?.close();
  });

  it("shows the component going down without a reload", async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    tab.on("pageerror", (e) => problems.push(e.message));
    const requests: string[] = [];
    tab.on("request", (r) => requests.push(new URL(r.url()).pathname));

    const response = await tab.goto(`${base}/status/${page.slug}`);
    expect(response?.status()).toBe(200);
    const component = tab.locator(`[data-component="${monitorId}"]`);
    expect(await component.locator(".label").textContent()).toBe("Operational");
    expect(await tab.locator("#status-text").textContent()).toBe("All Systems Operational");
    await tab.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    // The stream is open before the outage starts.
    await waitFor(async () => requests.includes(`/status/${page.slug}/events`), Boolean);

    receiver.answer(500);
    await component.locator(".label", { hasText: "Major outage" }).waitFor({ timeout: BROWSER_WAIT_MS });
    expect(await component.getAttribute("data-status")).toBe("major_outage");
    expect(await component.locator(".category").textContent()).toBe(" · HTTP error");
    expect(await tab.locator("#status-text").textContent()).toBe("Major System Outage");
    expect(await tab.locator("#status-banner").getAttribute("class")).toBe("banner critical");
    expect(await tab.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );

    // One page load and one stream: no polling, nothing else fetched.
    expect(requests.filter((p) => p.startsWith("/status/"))).toEqual([
      `/status/${page.slug}`,
      `/status/${page.slug}/events`,
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows an incident published, updated and resolved without a reload, markup escaped", async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on("pageerror", (e) => problems.push(e.message));
    tab.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    const requests: string[] = [];
    tab.on("request", (r) => requests.push(new URL(r.url()).pathname));
    await tab.goto(`${base}/status/${page.slug}`);
    await waitFor(async () => requests.includes(`/status/${page.slug}/events`), Boolean);
    const live = tab.locator("#live-incidents");
    expect(await live.textContent()).not.toContain("Payments delayed");

    const incidents = `${API}/status-pages/${page.id}/incidents`;
    const created = await call(up, "POST", incidents, {
      title: "Payments delayed <img src=x onerror=alert(1)>",
      impact: "major",
      message: "We are **looking into it**.",
    });
    expect(created.statusCode, created.body).toBe(201);
    const incidentId = created.json<{ id: string }>().id;
    await live.getByText("We are looking into it").waitFor({ timeout: BROWSER_WAIT_MS });
    // The title is text, not markup: no image element was made from it.
    expect(await live.textContent()).toContain("Payments delayed <img src=x onerror=alert(1)>");
    expect(await live.locator("img").count()).toBe(0);
    expect(await live.locator("strong", { hasText: "looking into it" }).count()).toBe(1);

    const update = await call(up, "POST", `${incidents}/${incidentId}/updates`, {
      status: "resolved",
      body: "Payments flow again.",
    });
    expect(update.statusCode, update.body).toBe(201);
    await tab.waitForFunction(
      () => !document.getElementById("live-incidents")?.textContent?.includes("Payments delayed"),
      undefined,
      { timeout: BROWSER_WAIT_MS },
    );
    expect(requests.filter((p) => p === `/status/${page.slug}`)).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
