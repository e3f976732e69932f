import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Dashboard,
  E2E_OWNER,
  expectAccessible,
  START_TIMEOUT_MS,
  scaledTimeout,
  screenshots,
  setupLink,
  startDashboard,
  UI_TIMEOUT_MS,
} from "./dashboard/harness.ts";

/** An HTTP target on a fixed loopback port that the test stops and starts again. */
class Target {
  private server: Server | undefined;
  port = 0;
  async start(): Promise<void> {
    const server = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/plain" }).end("ok"),
    );
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The API beside the browser, with the owner's access token. */
function client(base: string, token: string) {
  return async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

async function look(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshots(page, name);
}

const NOT_FOUND = "Page not found";

/**
 * The main path through the dashboard in Chromium against a real Upblit: first-run setup in the
 * browser, a monitor whose target stops (it turns down live and its incident appears), the
 * incident run as a workflow (acknowledge, assign, note, status page), the monitor's recovery
 * resolving it on its own, and a postmortem. Then every link kind Upblit emits opens its page.
 * Each screen is checked with axe-core and saved in both themes.
 */
describe("dashboard: first run to postmortem in Chromium", () => {
  let d: Dashboard;
  let call: ReturnType<typeof client>;
  const target = new Target();
  const hooks = new Target();
  const ids = { monitor: "", incident: "", channel: "" };

  beforeAll(async () => {
    await target.start();
    await hooks.start();
    d = await startDashboard({ setUp: false });
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
    await target.stop();
    await hooks.stop();
  });

  it(
    "sets up, watches a monitor go down live, runs its incident and writes the postmortem",
    async () => {
      const context = await d.browser.newContext({ baseURL: d.base, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();

      // First run: `/` leads to the setup screen, which takes the pasted link.
      await page.goto("/");
      await page
        .waitForURL((u) => u.pathname === "/first-run", { timeout: UI_TIMEOUT_MS })
        .catch(async (err: Error) => {
          throw new Error(`${err.message}\nat ${page.url()}:\n${await page.content()}`);
        });
      await page.getByLabel("Setup token").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "first-run");
      await page.getByLabel("Setup token").fill(setupLink(d.proc));
      await page.getByLabel("Organization name").fill("Acme");
      await page.getByLabel("Your name").fill("Ada Owner");
      await page.getByLabel("Email").fill(E2E_OWNER.email);
      await page.getByLabel("Password", { exact: true }).fill(E2E_OWNER.password);
      await page.getByRole("button", { name: "Create the owner account" }).click();
      await page.waitForURL((u) => u.pathname === "/", { timeout: UI_TIMEOUT_MS });

      const login = await fetch(`${d.base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(E2E_OWNER),
      });
      call = client(d.base, ((await login.json()) as { accessToken: string }).accessToken);

      // The channel comes from the API (its screens are part 2); the monitor from the form, tested first.
      const channel = await call<{ id: string }>("POST", "/api/v1/channels", {
        name: "ops webhook",
        kind: "webhook",
        config: { url: `http://127.0.0.1:${hooks.port}/hook` },
        secrets: { signingSecret: `whsec_${Buffer.alloc(32, 7).toString("base64")}` },
        isDefault: true,
      });
      ids.channel = channel.id;
      await page.getByRole("link", { name: "New monitor" }).click({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Type", { exact: true }).selectOption("http", { timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Name", { exact: true }).fill("Checkout API");
      await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${target.port}/health`);
      await page.getByLabel("Check every (seconds)").fill("1");
      await page.getByLabel("Timeout (ms)").fill("800");
      await page.getByLabel("Failures in a row before down").fill("1");
      await page.getByRole("button", { name: "Test", exact: true }).click();
      const tested = page.getByRole("region", { name: "Test result" });
      await tested.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect.poll(() => tested.textContent(), { timeout: UI_TIMEOUT_MS }).toContain("HTTP 200");
      expect(await call<{ items: unknown[] }>("GET", "/api/v1/monitors")).toMatchObject({ items: [] });
      await page.getByRole("button", { name: "Create monitor" }).click();
      await page.waitForURL((u) => /^\/monitors\/mon_/.test(u.pathname), { timeout: UI_TIMEOUT_MS });
      ids.monitor = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
      expect(ids.monitor).toMatch(/^mon_/);
      await call("POST", "/api/v1/status-pages", { slug: "acme", title: "Acme status" });

      // The incidents page, open before anything fails; it must change without a reload.
      await page.getByRole("link", { name: "Incidents" }).click();
      await page.getByText("No open incidents").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "incidents-empty");
      await page.evaluate(() => {
        (window as unknown as { stayed: boolean }).stayed = true;
      });
      await target.stop();
      const ack = page.getByRole("button", { name: "Acknowledge the incident of Checkout API" });
      await ack.waitFor({ timeout: 90_000 });
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      await look(page, "incidents-open");
      await ack.click();
      await page.getByText("Acknowledged", { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByRole("link", { name: "Checkout API" }).click();
      await page
        .getByRole("heading", { name: "Incident on Checkout API" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      ids.incident = new URL(page.url()).pathname.split("/").pop() ?? "";
      await page
        .getByText(/Acknowledged by Ada Owner/)
        .first()
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByLabel("Assign to").selectOption({ label: `Ada Owner (${E2E_OWNER.email})` });
      await page.getByText("Ada Owner assigned Ada Owner").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Set the status").selectOption("identified");
      await page
        .getByText("Ada Owner set the status Investigating → Identified")
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByLabel("Note (markdown)").fill("Connection pool exhausted; restarted **the pool**.");
      await page.getByRole("button", { name: "Add the note" }).click();
      await page
        .locator(".timeline .markdown strong", { hasText: "the pool" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.getByLabel("Note (markdown)").inputValue()).toBe("");

      await page.getByRole("button", { name: "Open a status-page incident" }).click();
      await page.getByText(/A draft incident is ready on Acme status/).waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "incident-open");

      // The target comes back: the incident resolves on its own, on the open page.
      await target.start();
      await page.getByText("Resolved automatically: the monitor recovered").waitFor({ timeout: 90_000 });
      await page.getByText("Resolved: the monitor recovered").waitFor({ timeout: UI_TIMEOUT_MS });
      await page
        .getByText("Resolved automatically when the monitor recovered.")
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByLabel("Postmortem (markdown)").fill("## What happened\n\nThe pool was **too small**.");
      await page.getByRole("button", { name: "Save the postmortem" }).click();
      await page.locator(".postmortem strong", { hasText: "too small" }).waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "incident-resolved");

      const detail = await call<{ workflowStatus: string; workflowResolvedBy: string; postmortem: string }>(
        "GET",
        `/api/v1/incidents/${ids.incident}`,
      );
      expect(detail).toMatchObject({ workflowStatus: "resolved", workflowResolvedBy: "monitor" });
      expect(detail.postmortem).toContain("too small");

      await page.getByRole("link", { name: "Incidents" }).first().click();
      await page.getByLabel("Show").selectOption("all");
      // On a loaded machine the 800 ms check may time out once after the restart and open a
      // second incident of the same monitor: the list shows at least the one this test ran.
      await page.getByRole("link", { name: "Checkout API" }).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "incidents-all");
      await context.close();
    },
    scaledTimeout(600_000),
  );

  it(
    "opens the right page for every link kind Upblit emits",
    async () => {
      expect(ids.incident).not.toBe("");
      const { context, page } = await d.signedIn();
      const expectPage = async (url: string, heading: string | RegExp, shot?: string) => {
        await page.goto(url);
        await page.getByRole("heading", { name: heading }).first().waitFor({ timeout: UI_TIMEOUT_MS });
        expect(await page.getByRole("heading", { name: NOT_FOUND }).count(), url).toBe(0);
        if (shot) await look(page, shot);
      };
      // Alerts: the monitor (its screen is another branch's; the route must exist), the channel
      // (test messages), the incident.
      await page.goto(`/monitors/${ids.monitor}`);
      await page.locator("main").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.getByRole("heading", { name: NOT_FOUND }).count()).toBe(0);
      await expectPage(`/channels/${ids.channel}`, "Channel ops webhook", "channel");
      await expectPage(`/incidents/${ids.incident}`, "Incident on Checkout API");

      // Mails: an invitation (a real one; no SMTP, so the API hands the link back).
      const invitation = await call<{ acceptUrl: string }>("POST", "/api/v1/invitations", {
        email: "grace@example.com",
        role: "editor",
      });
      const inviteUrl = new URL(invitation.acceptUrl);
      expect(inviteUrl.pathname).toBe("/invite");
      const guest = await d.browser.newContext({ baseURL: d.base });
      const invitePage = await guest.newPage();
      await invitePage.goto(`${inviteUrl.pathname}${inviteUrl.hash}`);
      await invitePage
        .getByText("Acme invites grace@example.com as editor.")
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(new URL(invitePage.url()).hash).toBe("");
      await look(invitePage, "invite");
      await invitePage.getByLabel("Your name").fill("Grace");
      await invitePage.getByLabel("Choose a password").fill("another long passphrase");
      await invitePage.getByRole("button", { name: "Create the account and join" }).click();
      await invitePage.waitForURL((u) => u.pathname === "/", { timeout: UI_TIMEOUT_MS });
      await invitePage.getByRole("button", { name: "Sign out" }).click();
      await invitePage.getByLabel("Email").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(new URL(invitePage.url()).pathname).toBe("/login");

      // The other mail links, and the sign-in screens, in a context without a session.
      await guest.close();
      const visitor = await d.browser.newContext({ baseURL: d.base });
      const guestPage = await visitor.newPage();
      for (const [url, heading, shot] of [
        ["/reset-password#token=sample-token", "Choose a new password", "reset-password"],
        ["/reset-password", "Choose a new password", undefined],
        ["/confirm-email#token=sample-token", "Confirm your new email", "confirm-email"],
        ["/forgot-password", "Reset your password", "forgot-password"],
        ["/login/mfa", "Second factor", "mfa"],
        ["/first-run", "Set up Upblit", "first-run-done"],
      ] as const) {
        await guestPage.goto(url);
        await guestPage.getByRole("heading", { name: heading }).waitFor({ timeout: UI_TIMEOUT_MS });
        expect(await guestPage.getByRole("heading", { name: NOT_FOUND }).count(), url).toBe(0);
        if (shot) await look(guestPage, shot);
      }
      // The second factor with a sign-in token waiting (the form, not the "expired" notice).
      await guestPage.evaluate(() => sessionStorage.setItem("upblit.mfaToken", "sample"));
      await guestPage.goto("/login/mfa");
      await guestPage.getByLabel("Code from your authenticator app").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(guestPage, "mfa-code");
      await guestPage.getByRole("button", { name: "Use a recovery code instead" }).click();
      await guestPage.getByLabel("Recovery code").waitFor({ timeout: UI_TIMEOUT_MS });

      // Server pages stay the server's: the no-JS setup form and the signed acknowledge links.
      const setupPage = await fetch(`${d.base}/setup?token=x`, { headers: { accept: "text/html" } });
      expect(await setupPage.text()).not.toContain('<div id="root">');
      await visitor.close();
      await context.close();
    },
    scaledTimeout(300_000),
  );
});
