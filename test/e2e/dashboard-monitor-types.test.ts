import { Redis } from "ioredis";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  state: string;
  redis?: { username: string; password?: string; command: string; args: string[] };
  postgres?: { database: string; username: string; query?: string };
}

const DETAIL = /\/monitors\/(?!new)[^/]+$/;
const SUFFIX = `${process.pid}-${Date.now()}`;
const REDIS_USER = `upblit-ui-${SUFFIX}`;
const REDIS_PASSWORD = `ui-Secret-${SUFFIX}`;
const REDIS_KEY = `upblit:ui:${SUFFIX}`;

/**
 * The types whose fields the dashboard generates from their schemas (GET /monitor-types):
 * a Redis monitor with a password (a real ACL user on this machine's Redis) and a PostgreSQL one
 * with a query, created in Chromium against the loopback servers and seen up; the password is
 * write-only when the monitor is edited.
 */
describe("dashboard: monitor types from the registry in Chromium", () => {
  let d: Dashboard;
  let page: Page;
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
    await admin.connect();
    await admin.call(
      "ACL",
      "SETUSER",
      REDIS_USER,
      "on",
      `>${REDIS_PASSWORD}`,
      "~*",
      "-@all",
      "+@read",
      "+info",
    );
    await admin.set(REDIS_KEY, "ready");
    d = await startDashboard();
    page = (await d.signedIn()).page;
  }, scaledTimeout(180_000));

  afterAll(async () => {
    await d?.close();
    await admin?.call("ACL", "DELUSER", REDIS_USER);
    await admin?.del(REDIS_KEY);
    admin?.disconnect();
  });

  async function create(type: string, name: string, fill: () => Promise<void>): Promise<string> {
    await page.goto("/monitors/new");
    await page.getByLabel("Type", { exact: true }).selectOption(type, { timeout: UI_TIMEOUT_MS });
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Check every (seconds)").fill("5");
    await page.getByLabel("Timeout (ms)").fill("3000");
    await fill();
    await page.getByRole("button", { name: "Create monitor" }).click();
    await page.waitForURL(DETAIL, { timeout: UI_TIMEOUT_MS });
    return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  }

  async function expectUp(id: string, name: string): Promise<void> {
    await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitFor(
      "the monitor to be up",
      async () => (await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`)).state === "up",
      60_000,
    );
    await page.locator(".detail-header .state-up").waitFor({ timeout: 2 * UI_TIMEOUT_MS });
  }

  it(
    "offers every registered type, and creates a redis monitor with a password that checks up",
    async () => {
      await page.goto("/monitors/new");
      const types = await api<{ items: Array<{ type: string }> }>(d.base, "GET", "/api/v1/monitor-types");
      const select = page.getByLabel("Type", { exact: true });
      await select.waitFor({ timeout: UI_TIMEOUT_MS });
      const offered = await select
        .locator("option")
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(offered).toEqual(types.items.map((t) => t.type));

      const id = await create("redis", "Cache", async () => {
        await page.getByLabel("Host and port").fill("127.0.0.1:6379");
        await page.getByLabel("User name").fill(REDIS_USER);
        await page.getByLabel("Password", { exact: true }).fill(REDIS_PASSWORD);
        await page.getByLabel("Command").selectOption("GET");
        await page.getByLabel("Arguments").fill(REDIS_KEY);
        await page.getByRole("button", { name: "Add an assertion" }).click();
        await page.getByLabel("Assertion 1: what").selectOption("redis.reply");
        await page.getByLabel("Assertion 1: comparison").selectOption("==");
        await page.getByLabel("Assertion 1: value").fill("ready");
        await page.getByRole("button", { name: "Test", exact: true }).click();
        const result = page.getByRole("region", { name: "Test result" });
        await result.waitFor({ timeout: 2 * UI_TIMEOUT_MS });
        await expect.poll(() => result.locator(".verdict-ok").count(), { timeout: UI_TIMEOUT_MS }).toBe(1);
        await screenshots(page, "monitor-form-redis");
        await expectAccessible(page);
      });
      await expectUp(id, "Cache");
      const m = await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`);
      expect(m.redis).toMatchObject({
        username: REDIS_USER,
        password: "[redacted]",
        command: "GET",
        args: [REDIS_KEY],
      });

      // Editing: the password is not shown; saving without retyping it keeps it (still up).
      await page.goto(`/monitors/${id}/edit`);
      const password = page.getByLabel("Password", { exact: true });
      await password.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await password.inputValue()).toBe("");
      const hintId = ((await password.getAttribute("aria-describedby")) ?? "").split(" ").pop();
      expect(await page.locator(`[id="${hintId}"]`).textContent()).toContain("Stored and hidden");
      await page.getByLabel("Name", { exact: true }).fill("Cache (renamed)");
      const savedAt = Date.now();
      await page.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(DETAIL, { timeout: UI_TIMEOUT_MS });
      await page
        .getByRole("heading", { level: 1, name: "Cache (renamed)" })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      // Checks after the save still log in with the stored password.
      await waitFor(
        "an up check after the save",
        async () =>
          (
            await api<{ items: Array<{ slotAt: string; status: string }> }>(
              d.base,
              "GET",
              `/api/v1/monitors/${id}/results`,
            )
          ).items.some((r) => Date.parse(r.slotAt) > savedAt && r.status === "up"),
        60_000,
      );
      expect((await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`)).state).toBe("up");
    },
    scaledTimeout(300_000),
  );

  it(
    "creates a postgres monitor with a query",
    async () => {
      const id = await create("postgres", "Orders database", async () => {
        await page.getByLabel("Host and port").fill("127.0.0.1:5432");
        await page.getByLabel("Database").fill("test");
        await page.getByLabel("User name").fill("postgres");
        await page.getByLabel("Query (read-only)").fill("SELECT 41 + 1");
        await page.getByRole("button", { name: "Add an assertion" }).click();
        await page.getByLabel("Assertion 1: what").selectOption("postgres.result");
        await page.getByLabel("Assertion 1: comparison").selectOption("==");
        await page.getByLabel("Assertion 1: value").fill("42");
      });
      await expectUp(id, "Orders database");
      const m = await api<Monitor>(d.base, "GET", `/api/v1/monitors/${id}`);
      expect(m.postgres).toMatchObject({ database: "test", username: "postgres", query: "SELECT 41 + 1" });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/monitors/new");
      await page.getByLabel("Type", { exact: true }).selectOption("postgres", { timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Query (read-only)").waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshots(page, "monitor-form-postgres-phone");
      await expectAccessible(page);
      await page.setViewportSize({ width: 1280, height: 800 });
    },
    scaledTimeout(240_000),
  );
});
