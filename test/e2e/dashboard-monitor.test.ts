import { createServer as createTcpServer, type Server } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCert, startServer, type TestServer } from "../../src/probe/fixtures.test-support.ts";
import { SIGNING_SECRET } from "../../src/test/alert-routing.ts";
import { startTestDnsServer, type TestDnsServer } from "../../src/test/dns-server.ts";
import { type Receiver, startReceiver } from "../../src/test/receiver.ts";
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

interface Monitor {
  id: string;
  name: string;
  state: string;
  tags: string[];
  http?: { headers: Record<string, string> };
}

/** The detail page's path of the monitor just saved. */
const DETAIL = /\/monitors\/(?!new)[^/]+$/;

/**
 * Every monitor type created through the dashboard's form against loopback targets (an HTTP
 * server, a TCP listener, a DNS server, a self-signed HTTPS server), each checked and shown up on
 * its detail page; then the detail page's actions on one of them.
 */
describe("dashboard: monitor form and detail in Chromium", () => {
  let d: Dashboard;
  let page: Page;
  let web: TestServer;
  let https: TestServer;
  let tcp: Server;
  let tcpPort: number;
  let dns: TestDnsServer;
  let receiver: Receiver;
  let channelId: string;
  const created: Record<string, string> = {};
  const loadedChunks: string[] = [];

  beforeAll(async () => {
    d = await startDashboard();
    const handler = (req: { url?: string }, res: import("node:http").ServerResponse) => {
      if (req.url?.startsWith("/api")) {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end('{"status":"ok","db":{"connections":3}}');
      } else res.writeHead(200, { "content-type": "text/plain", "x-probe": "upblit" }).end("All systems go");
    };
    web = await startServer(handler);
    https = await startServer(handler, await createCert("localhost", -1, 90));
    tcp = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    tcpPort = (tcp.address() as { port: number }).port;
    dns = await startTestDnsServer();
    dns.setTxt("probe.test", ["hello"]);
    receiver = await startReceiver();
    channelId = (
      await api<{ id: string }>(d.base, "POST", "/api/v1/channels", {
        name: "ops hook",
        kind: "webhook",
        config: { url: `${receiver.origin}/hook` },
        secrets: { signingSecret: SIGNING_SECRET },
        events: ["down", "up"],
      })
    ).id;
    page = (await d.signedIn()).page;
    page.on("request", (r) => {
      if (r.url().includes("/assets/")) loadedChunks.push(new URL(r.url()).pathname);
    });
  }, scaledTimeout(180_000));

  afterAll(async () => {
    await d?.close();
    await Promise.all([web?.close(), https?.close(), dns?.close(), receiver?.close()]);
    await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
  });

  /** Opens the form, chooses the type, fills the common fields, lets `fill` do the rest, saves. */
  async function create(type: string, name: string, fill: () => Promise<void>): Promise<string> {
    await page.goto("/");
    await page.getByRole("link", { name: "New monitor" }).click({ timeout: UI_TIMEOUT_MS });
    await page.getByLabel("Type", { exact: true }).selectOption(type, { timeout: UI_TIMEOUT_MS });
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Check every (seconds)").fill("5");
    await page.getByLabel("Timeout (ms)").fill("3000");
    await fill();
    await page.getByRole("button", { name: "Create monitor" }).click();
    await page.waitForURL(DETAIL, { timeout: UI_TIMEOUT_MS });
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    created[type] = id;
    return id;
  }

  /** The detail page shows the monitor up, with an up check among its recent results. */
  async function expectUpOnDetail(id: string, name: string): Promise<void> {
    await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitFor(
      "the monitor to be up",
      async () => (await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`)).state === "up",
      60_000,
    );
    await page
      .locator(".results-list li", { hasText: "Up" })
      .first()
      .waitFor({ timeout: 2 * UI_TIMEOUT_MS });
    await page.locator(".detail-header .state-up").waitFor({ timeout: 2 * UI_TIMEOUT_MS });
  }

  it(
    "creates an http monitor with assertions, a header and a channel; Test runs first; API problems land on the field",
    async () => {
      const id = await create("http", "Shop health", async () => {
        // A target the API refuses: its message shows next to the URL, and nothing is created.
        await page.getByLabel("URL", { exact: true }).fill("not a url");
        await page.getByRole("button", { name: "Create monitor" }).click();
        const url = page.getByLabel("URL", { exact: true });
        await expect.poll(() => url.getAttribute("aria-invalid"), { timeout: UI_TIMEOUT_MS }).toBe("true");
        const described = (await url.getAttribute("aria-describedby")) ?? "";
        expect(await page.locator(`[id="${described.split(" ")[0]}"]`).textContent()).toContain("http");

        await url.fill(`${web.origin}/health`);
        await page.getByRole("button", { name: "Add a header" }).click();
        await page.getByLabel("Header 1 name").fill("X-From");
        await page.getByLabel("Header 1 value").fill("dashboard");
        await page.getByRole("button", { name: "Add an assertion" }).click();
        await page.getByLabel("Assertion 1: what").selectOption("status");
        await page.getByLabel("Assertion 1: comparison").selectOption("==");
        await page.getByLabel("Assertion 1: value").fill("200");
        await page.getByRole("button", { name: "Add an assertion" }).click();
        await page.getByLabel("Assertion 2: what").selectOption("header");
        await page.getByLabel("Assertion 2: header name").fill("x-probe");
        await page.getByLabel("Assertion 2: comparison").selectOption("contains");
        await page.getByLabel("Assertion 2: value").fill("upblit");
        await page.getByLabel("Assertion 2: when it fails").selectOption("soft");
        await page.getByLabel("Tags").fill("shop, e2e");
        await page.getByLabel(/ops hook/).check();

        await page.getByRole("button", { name: "Test", exact: true }).click();
        const result = page.getByRole("region", { name: "Test result" });
        await result.waitFor({ timeout: 2 * UI_TIMEOUT_MS });
        await expect.poll(() => result.textContent()).toContain("HTTP 200");
        expect(await result.locator(".verdict-ok").count()).toBeGreaterThanOrEqual(2);
        expect(await result.locator(".waterfall th", { hasText: "Total" }).count()).toBe(1);
        await screenshots(page, "monitor-form");
        await expectAccessible(page);
      });
      await expectUpOnDetail(id, "Shop health");
      const m = await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`);
      expect(m.tags).toEqual(["shop", "e2e"]);
      expect(m.http?.headers).toEqual({ "X-From": "dashboard" });
      const channels = await api<{ channelIds: string[] }>(d.base, "GET", `/api/v1/monitors/${id}/channels`);
      expect(channels.channelIds).toEqual([channelId]);
    },
    scaledTimeout(300_000),
  );

  it(
    "creates a keyword monitor",
    async () => {
      const id = await create("keyword", "Shop keyword", async () => {
        await page.getByLabel("URL", { exact: true }).fill(`${web.origin}/health`);
        await page.getByLabel("Keyword", { exact: true }).fill("systems go");
        await page.getByLabel("Find a monitor to depend on").fill("Shop health");
        await page.getByRole("button", { name: "Depend on Shop health" }).click({ timeout: UI_TIMEOUT_MS });
        await page
          .getByRole("button", { name: "Stop depending on Shop health" })
          .waitFor({ timeout: UI_TIMEOUT_MS });
      });
      await expectUpOnDetail(id, "Shop keyword");
      const m = await api<Monitor & { parents: string[] }>(d.base, "GET", `/api/v1/monitors/${id}`);
      expect(m.parents).toEqual([created.http]);
    },
    scaledTimeout(180_000),
  );

  it(
    "creates a json monitor",
    async () => {
      const id = await create("json", "Shop json", async () => {
        await page.getByLabel("URL", { exact: true }).fill(`${web.origin}/api`);
        await page.getByLabel("JSON path").fill("$.db.connections");
        await page.getByLabel("Comparison", { exact: true }).selectOption("<");
        await page.getByLabel("Expected value").fill("10");
      });
      await expectUpOnDetail(id, "Shop json");
    },
    scaledTimeout(180_000),
  );

  it(
    "creates a tcp monitor",
    async () => {
      const id = await create("tcp", "Database port", async () => {
        await page.getByLabel("Host and port").fill(`127.0.0.1:${tcpPort}`);
      });
      await expectUpOnDetail(id, "Database port");
    },
    scaledTimeout(180_000),
  );

  it(
    "creates a dns monitor",
    async () => {
      const id = await create("dns", "TXT record", async () => {
        await page.getByLabel("Hostname").fill("probe.test");
        await page.getByLabel("Record type").selectOption("TXT");
        await page.getByLabel("Resolver").fill(dns.address);
        await page.getByLabel("Expected answers").fill("hello");
      });
      await expectUpOnDetail(id, "TXT record");
    },
    scaledTimeout(180_000),
  );

  it(
    "creates a tls monitor against a self-signed certificate and shows the certificate",
    async () => {
      const id = await create("tls", "Certificate", async () => {
        await page.getByLabel("Host and port").fill(`localhost:${https.port}`);
        await page.getByLabel("Warn before the certificate expires (days)").fill("21, 7");
      });
      await expectUpOnDetail(id, "Certificate");
      const cert = page.getByRole("region", { name: "Certificate" });
      await expect.poll(() => cert.textContent(), { timeout: UI_TIMEOUT_MS }).toMatch(/Days left\s*(89|90)/);
      expect(await cert.textContent()).toContain("Warns at 21 and 7 days left.");
    },
    scaledTimeout(180_000),
  );

  it(
    "the detail page: chart loaded on demand, check now, fire drill, silence, pause, edit, clone, delete",
    async () => {
      const id = created.http as string;
      const before = loadedChunks.length;
      await page.goto(`/monitors/${id}`);
      await page
        .locator(".latency-chart canvas")
        .first()
        .waitFor({ timeout: 2 * UI_TIMEOUT_MS });
      expect(loadedChunks.slice(before).some((c) => c.includes("latency-chart"))).toBe(true);
      // uPlot is not in the first page's scripts: the chart's chunk came only with the chart.
      const shell = await fetch(`${d.base}/monitors/${id}`, { headers: { accept: "text/html" } });
      expect(await shell.text()).not.toContain("latency-chart");
      await page.getByRole("button", { name: "7 d" }).click();
      await page.getByRole("button", { name: "7 d", pressed: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByRole("button", { name: "1 h" }).click();
      await page
        .locator(".latency-chart canvas")
        .first()
        .waitFor({ timeout: 2 * UI_TIMEOUT_MS });

      await page.getByRole("button", { name: "Check now" }).click();
      const checked = page.getByRole("region", { name: "Check now" });
      await checked.waitFor({ timeout: 2 * UI_TIMEOUT_MS });
      await expect.poll(() => checked.textContent()).toContain("HTTP 200");

      await page.getByRole("button", { name: "Fire drill" }).click();
      const drill = page.getByRole("region", { name: "Fire drill report" });
      await drill.waitFor({ timeout: 90_000 });
      await expect.poll(() => drill.textContent(), { timeout: 2 * UI_TIMEOUT_MS }).toContain("ops hook");
      expect(await drill.textContent()).toContain("Sent");

      await page.getByRole("button", { name: "Silence…" }).click();
      await page.getByLabel("Reason").fill("deploying");
      await page.getByRole("button", { name: "Silence", exact: true }).click();
      await page.getByText("deploying (until", { exact: false }).waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshots(page, "monitor-detail");
      await expectAccessible(page);
      await page.setViewportSize({ width: 360, height: 780 });
      await screenshots(page, "monitor-detail-phone");
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.getByRole("button", { name: "Pause" }).click();
      await page.getByRole("button", { name: "Resume" }).waitFor({ timeout: UI_TIMEOUT_MS });
      await waitFor(
        "paused",
        async () => (await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`)).state === "paused",
      );
      await page.getByRole("button", { name: "Resume" }).click();
      await page.getByRole("button", { name: "Pause" }).waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByRole("link", { name: "Edit" }).click();
      const name = page.getByLabel("Name", { exact: true });
      await expect.poll(() => name.inputValue(), { timeout: UI_TIMEOUT_MS }).toBe("Shop health");
      await name.fill("Shop health (edited)");
      await page.getByRole("button", { name: "Save" }).click();
      await page
        .getByRole("heading", { level: 1, name: "Shop health (edited)" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      const edited = await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`);
      expect(edited.http?.headers).toEqual({ "X-From": "dashboard" });

      await page.getByRole("link", { name: "Clone" }).click();
      await expect
        .poll(() => name.inputValue(), { timeout: UI_TIMEOUT_MS })
        .toBe("Copy of Shop health (edited)");
      expect(await page.getByLabel("URL", { exact: true }).inputValue()).toBe(`${web.origin}/health`);
      expect(await page.getByLabel("Assertion 2: header name").inputValue()).toBe("x-probe");
      await page.getByRole("button", { name: "Create monitor" }).click();
      await page.waitForURL(DETAIL, { timeout: UI_TIMEOUT_MS });
      const cloneId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
      expect(cloneId).not.toBe(id);
      await page
        .getByRole("heading", { level: 1, name: "Copy of Shop health (edited)" })
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByRole("button", { name: "Delete", exact: true }).click();
      await page.getByRole("button", { name: "Delete for good" }).click();
      await page.waitForURL((u) => u.pathname === "/", { timeout: UI_TIMEOUT_MS });
      await expect(api(d.base, "GET", `/api/v1/monitors/${cloneId}`)).rejects.toThrow(/404/);
    },
    scaledTimeout(400_000),
  );
});
