import * as OTPAuth from "otpauth";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkToken, type SmtpFixture, startSmtp } from "../../src/test/smtp.ts";
import {
  api,
  type Dashboard,
  E2E_OWNER,
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

interface MemberJson {
  userId: string;
  email: string;
  role: string;
}

/**
 * The settings screens against a real Upblit in Chromium: invite a person (the link read from the
 * mail a real SMTP server in this process received) who accepts in a second browser, change their role; make an API key in the page and call the API with it; read
 * those actions in the audit log; turn on the second factor with a code computed here; create,
 * switch to and delete an organization.
 */
describe("dashboard settings: team, API keys, audit log, profile", () => {
  let d: Dashboard;
  let smtp: SmtpFixture;
  beforeAll(async () => {
    smtp = await startSmtp();
    d = await startDashboard({ env: { SMTP_URL: smtp.url, SMTP_FROM: "upblit@example.com" } });
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
    await smtp?.close();
  });

  it(
    "invites a person who accepts in another browser, then changes their role",
    async () => {
      const { page } = await d.signedIn();
      await page.goto("/settings/team");
      await page.getByRole("heading", { name: "Members" }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText("No pending invitations").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "team");

      const invite = page.getByRole("region", { name: "Invite someone" });
      await invite.getByLabel("Email").fill("grace@example.com");
      await invite.getByRole("combobox", { name: /^Role/ }).selectOption("viewer");
      await page.getByRole("button", { name: "Send the invitation" }).click();
      // The mail goes out through the SMTP server; the page says so and shows no link.
      await page.getByText("Invitation mailed to grace@example.com.").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.getByLabel("Invitation link").count()).toBe(0);
      const firstMail = await smtp.waitForMail("grace@example.com", UI_TIMEOUT_MS);
      const firstToken = linkToken(firstMail, "invite");
      await look(page, "team-invited");
      // Resending mails a new link; the first one stops working.
      await page.getByRole("button", { name: "Resend the invitation to grace@example.com" }).click();
      const secondToken = linkToken(await smtp.waitForMail("grace@example.com", UI_TIMEOUT_MS), "invite");
      expect(secondToken).not.toBe(firstToken);
      const stale = await fetch(`${d.base}/api/v1/invitations/lookup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: firstToken }),
      });
      expect(stale.status).toBe(404);

      const guest = await d.browser.newContext({ baseURL: d.base });
      const invitePage = await guest.newPage();
      await invitePage.goto(`/invite#token=${secondToken}`);
      await invitePage.getByLabel("Your name").fill("Grace");
      await invitePage.getByLabel("Choose a password").fill("another long passphrase");
      await invitePage.getByRole("button", { name: "Create the account and join" }).click();
      await invitePage.waitForURL((u) => u.pathname === "/", { timeout: UI_TIMEOUT_MS });
      await guest.close();

      await page.reload();
      const role = page.getByLabel("Role of Grace");
      await role.waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText("No pending invitations").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await role.inputValue()).toBe("viewer");
      await role.selectOption("editor");
      await page.getByText("Grace is now editor").waitFor({ timeout: UI_TIMEOUT_MS });
      const members = await api<{ items: MemberJson[] }>(d.base, "GET", "/api/v1/members");
      expect(members.items.find((m) => m.email === "grace@example.com")?.role).toBe("editor");
      await look(page, "team-members");
    },
    scaledTimeout(240_000),
  );

  it(
    "creates an API key shown once, which then works for its scopes only, and shows its last use",
    async () => {
      const { page } = await d.signedIn();
      await page.goto("/settings/api-keys");
      await page.getByText("No API keys yet").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "api-keys-empty");

      await page.getByLabel("Name").fill("CI deploys");
      await page.getByRole("checkbox", { name: /^monitors:read/ }).check();
      await page.getByRole("checkbox", { name: /^monitors:write/ }).check();
      await page.getByRole("button", { name: "Create the key" }).click();
      const field = page.getByLabel("API key CI deploys");
      await field.waitFor({ timeout: UI_TIMEOUT_MS });
      const token = await field.inputValue();
      expect(token).toMatch(/^upb_[0-9A-Za-z]{36}$/);
      await look(page, "api-key-token");

      const bearer = { authorization: `Bearer ${token}` };
      const monitors = await fetch(`${d.base}/api/v1/monitors`, { headers: bearer });
      expect(monitors.status, await monitors.text()).toBe(200);
      const audit = await fetch(`${d.base}/api/v1/audit-log`, { headers: bearer });
      expect(audit.status).toBe(403);

      await page.getByRole("button", { name: "I have stored it" }).click();
      await page.getByLabel("Name").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.getByLabel("API key CI deploys").count()).toBe(0);
      await page.reload();
      const row = page.getByRole("row", { name: /CI deploys/ });
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect.poll(async () => row.textContent()).toContain(token.slice(0, 12));
      await expect.poll(async () => row.textContent()).toContain("from 127.0.0.1");
      expect(await row.textContent()).toContain("owner@example.com");
      await look(page, "api-keys");

      // Rotating shows the new token once; the old one stops at once.
      await row.getByRole("button", { name: "Rotate: CI deploys" }).click();
      await page.getByRole("button", { name: "Yes, rotate" }).click();
      const rotated = page.getByLabel("API key CI deploys");
      await rotated.waitFor({ timeout: UI_TIMEOUT_MS });
      const newToken = await rotated.inputValue();
      expect(newToken).not.toBe(token);
      expect((await fetch(`${d.base}/api/v1/monitors`, { headers: bearer })).status).toBe(401);
      const fresh = await fetch(`${d.base}/api/v1/monitors`, {
        headers: { authorization: `Bearer ${newToken}` },
      });
      expect(fresh.status).toBe(200);
    },
    scaledTimeout(240_000),
  );

  it(
    "the audit log tells those actions in sentences, and filters them",
    async () => {
      const { page } = await d.signedIn();
      await page.goto("/settings/audit");
      const sentences = [
        "owner@example.com invited grace@example.com as viewer",
        "grace@example.com accepted the invitation and joined as viewer",
        "owner@example.com changed the role of grace@example.com from viewer to editor",
        "owner@example.com created the API key “CI deploys”",
      ];
      for (const s of sentences) await page.getByText(s).waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "audit");

      await page.getByLabel("What").selectOption("api_key.");
      await page.getByRole("button", { name: "Show entries" }).click();
      await page.getByRole("button", { name: "Clear the filters" }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText(sentences[3]!).waitFor({ timeout: UI_TIMEOUT_MS });
      await expect.poll(() => page.getByText(sentences[0]!).count()).toBe(0);
      await page.getByText(sentences[3]!).locator("..").getByText("Details").click();
      await page
        .locator("dd", { hasText: "monitors:read, monitors:write" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "audit-filtered");

      // Phone width: the filters wrap and the page stays usable and accessible.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByText(sentences[3]!).waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "audit-phone");
      await page.goto("/settings/team");
      await page.getByLabel("Role of Grace").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "team-phone");
    },
    scaledTimeout(180_000),
  );

  it(
    "creates an organization, switches to it, renames it and deletes it by typing its name",
    async () => {
      const { page } = await d.signedIn();
      await page.goto("/settings/team");
      const create = page.getByRole("region", { name: "New organization" });
      await create.getByLabel("Name").fill("Night shift");
      await create.getByRole("button", { name: "Create the organization" }).click();
      await page.getByRole("button", { name: "Switch to Night shift" }).click();
      const org = page.getByRole("region", { name: "Organization", exact: true });
      await expect
        .poll(() => org.getByLabel("Name", { exact: true }).inputValue(), { timeout: UI_TIMEOUT_MS })
        .toBe("Night shift");
      await org.getByLabel("Name", { exact: true }).fill("Night crew");
      await org.getByRole("button", { name: "Rename" }).click();
      await page.getByText("Renamed to Night crew.").waitFor({ timeout: UI_TIMEOUT_MS });

      const remove = page.getByRole("button", { name: "Delete Night crew for ever" });
      expect(await remove.isDisabled()).toBe(true);
      await page.getByLabel("Type the organization's name, Night crew, to confirm").fill("Night crew");
      await look(page, "team-organization");
      await remove.click();
      // Deleting ends every session acting in it, this one included.
      await page.getByLabel("Password").waitFor({ timeout: UI_TIMEOUT_MS });
      expect(new URL(page.url()).pathname).toBe("/login");
      const orgs = await api<{ organizations: Array<{ name: string }> }>(d.base, "GET", "/api/v1/me");
      expect(orgs.organizations.map((o) => o.name)).not.toContain("Night crew");
    },
    scaledTimeout(240_000),
  );

  it(
    "turns on the second factor with the QR code's secret, shows recovery codes once, lists sessions",
    async () => {
      const { page } = await d.signedIn();
      await page.goto("/settings/profile");
      await page.getByRole("heading", { name: "Second factor" }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText("This browser").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "profile");
      // The earlier tests' browsers left sessions: sign one out from here.
      const signOuts = page.getByRole("button", { name: /^Sign out the session from/ });
      const before = await signOuts.count();
      expect(before).toBeGreaterThan(0);
      await signOuts.first().click();
      await expect.poll(() => signOuts.count(), { timeout: UI_TIMEOUT_MS }).toBe(before - 1);

      const mfa = page.getByRole("region", { name: "Second factor" });
      await mfa.getByLabel("Current password").fill(E2E_OWNER.password);
      await page.getByRole("button", { name: "Set up an authenticator app" }).click();
      await page
        .getByRole("img", { name: "QR code for the authenticator app" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      const secret = await page.getByLabel("Key to type by hand").inputValue();
      await look(page, "profile-2fa-scan");
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
      await page.getByLabel("6-digit code from the app").fill(totp.generate());
      await page.getByRole("button", { name: "Turn on the second factor" }).click();
      const codes = page.getByLabel("Recovery codes");
      await codes.waitFor({ timeout: UI_TIMEOUT_MS });
      expect((await codes.inputValue()).split("\n")).toHaveLength(10);
      await page.getByText("On: signing in asks for a code").waitFor({ timeout: UI_TIMEOUT_MS });
      await look(page, "profile-2fa-codes");

      const me = await api<{ totpEnabled: boolean }>(d.base, "GET", "/api/v1/me");
      expect(me.totpEnabled).toBe(true);
      const login = await fetch(`${d.base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(E2E_OWNER),
      });
      expect(await login.json()).toMatchObject({ mfaRequired: true });
    },
    scaledTimeout(240_000),
  );
});
