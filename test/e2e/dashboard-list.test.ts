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
import { freePort } from "./helpers.ts";

interface MonitorJson {
  id: string;
  name: string;
  state: string;
  paused: boolean;
}

/**
 * The monitors list, the wall view and the dependency map in Chromium against a real Upblit:
 * bulk-pausing 50 monitors through the UI, the wall following a monitor that goes down and one
 * that is paused without a reload, and editing dependencies on the map (a cycle refused, shown).
 */
describe("dashboard list, wall and map in Chromium", () => {
  let d: Dashboard;
  const monitor = (name: string, extra: Record<string, unknown> = {}) =>
    api<MonitorJson>(d.base, "POST", "/api/v1/monitors", {
      name,
      type: "tcp",
      target: "127.0.0.1:9",
      intervalSeconds: 86_400,
      ...extra,
    });

  beforeAll(async () => {
    d = await startDashboard();
  }, scaledTimeout(240_000));
  afterAll(async () => {
    await d?.close();
  });

  async function open(path: string): Promise<Page> {
    const { page } = await d.signedIn();
    await page.goto(path);
    return page;
  }

  it(
    "pauses 50 monitors selected in the list in one go",
    async () => {
      const made: MonitorJson[] = [];
      for (let i = 1; i <= 50; i++)
        made.push(await monitor(`bulk-a-${String(i).padStart(2, "0")}`, { tags: ["batch"] }));
      const others: MonitorJson[] = [];
      for (let i = 1; i <= 5; i++) others.push(await monitor(`bulk-b-${i}`));

      const page = await open("/");
      await page.getByTestId("monitor-list").waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByLabel("Search by name").fill("bulk-a");
      await waitFor(
        "the 50 matching monitors",
        async () => (await page.getByText("50 monitors loaded").count()) === 1,
        UI_TIMEOUT_MS,
      );
      await page.getByLabel("Select all 50 monitors in view").check();
      await page.getByText("50 selected").waitFor({ timeout: UI_TIMEOUT_MS });
      await page
        .getByRole("toolbar", { name: "Bulk actions" })
        .getByRole("button", { name: "Pause" })
        .click();
      await page.getByText("Paused 50 monitors (0 already paused).").waitFor({ timeout: UI_TIMEOUT_MS });

      const all = await api<{ items: MonitorJson[] }>(d.base, "GET", "/api/v1/monitors?q=bulk-&limit=200");
      const byName = new Map(all.items.map((m) => [m.name, m]));
      for (const m of made) expect(byName.get(m.name)?.paused, m.name).toBe(true);
      for (const m of others) expect(byName.get(m.name)?.paused, m.name).toBe(false);
      // The rows on screen show the new state (live events patch the list).
      await waitFor(
        "rows on screen to show paused",
        async () => {
          const states = await page
            .locator(".monitor-row[data-state]")
            .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")));
          return states.length > 0 && states.every((s) => s === "paused");
        },
        UI_TIMEOUT_MS,
      );
      const audit = await api<{ items: unknown[] }>(
        d.base,
        "GET",
        "/api/v1/audit-log?action=monitor.pause&limit=100",
      );
      expect(audit.items.length).toBeGreaterThanOrEqual(50);

      // Arrow keys move between rows (the virtual list scrolls the next one in and focuses it).
      const first = page.locator('.list-scroll a[data-index="0"]');
      await first.focus();
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await waitFor(
        "the third row's link to have focus",
        async () => (await page.evaluate(() => document.activeElement?.getAttribute("data-index"))) === "2",
        UI_TIMEOUT_MS,
      );
      await page.keyboard.press("ArrowUp");
      await waitFor(
        "the second row's link to have focus",
        async () => (await page.evaluate(() => document.activeElement?.getAttribute("data-index"))) === "1",
        UI_TIMEOUT_MS,
      );

      await page.getByLabel("Search by name").fill("");
      await page.getByLabel("Group by tag").check();
      await page.getByRole("button", { name: /^batch: 50 monitors/ }).waitFor({ timeout: UI_TIMEOUT_MS });
      await expectAccessible(page);
      await screenshots(page, "monitors-list");
      await page.context().close();
    },
    scaledTimeout(240_000),
  );

  it(
    "the wall view follows state changes without a reload",
    async () => {
      const closed = await freePort();
      const failing = await monitor("wall-db", {
        target: `127.0.0.1:${closed}`,
        intervalSeconds: 1,
        timeoutMs: 500,
        tags: ["wall"],
      });
      const paused = await monitor("wall-cache", { tags: ["wall"] });
      const page = await open("/wall?tag=wall");
      const tile = (id: string) => page.locator(`.wall-tile[data-monitor-id="${id}"]`);
      await tile(paused.id).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByText("Live").first().waitFor({ timeout: UI_TIMEOUT_MS });
      const navigations: string[] = [];
      page.on("framenavigated", (frame) => navigations.push(frame.url()));

      await api(d.base, "POST", `/api/v1/monitors/${paused.id}/pause`);
      await page
        .locator(`.wall-tile[data-monitor-id="${paused.id}"][data-state="paused"]`)
        .waitFor({ timeout: UI_TIMEOUT_MS });
      // The closed port fails every second: the monitor goes down and moves to the big tiles.
      await page
        .locator(`.wall-problems .wall-tile[data-monitor-id="${failing.id}"][data-state="down"]`)
        .waitFor({ timeout: 120_000 });
      expect(navigations).toEqual([]);
      await expect.poll(() => page.getByTestId("wall-updated").textContent()).toMatch(/^Updated /);
      await expectAccessible(page);
      await screenshots(page, "wall");
      await api(d.base, "POST", `/api/v1/monitors/${failing.id}/pause`);
      await page.context().close();
    },
    scaledTimeout(180_000),
  );

  it(
    "draws dependencies and edits them on the map, showing a refused cycle",
    async () => {
      const db = await monitor("map-database");
      const appMonitor = await monitor("map-app", { parents: [db.id] });
      const web = await monitor("map-web");
      const page = await open("/map");
      const node = (id: string) => page.locator(`.map-node[data-monitor-id="${id}"]`);
      await node(appMonitor.id).waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(node(web.id).count()).resolves.toBe(0);

      await page.getByLabel("Monitor to edit").selectOption(web.id);
      await page.getByLabel("Add a parent").selectOption(appMonitor.id);
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await node(web.id).waitFor({ timeout: UI_TIMEOUT_MS });
      expect((await api<{ parents: string[] }>(d.base, "GET", `/api/v1/monitors/${web.id}`)).parents).toEqual(
        [appMonitor.id],
      );

      // database → app → web; making web the database's parent would close a cycle.
      await node(db.id).click();
      await page.getByLabel("Add a parent").selectOption(web.id);
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.locator(".field-error, .form-error").first().waitFor({ timeout: UI_TIMEOUT_MS });
      expect((await api<{ parents: string[] }>(d.base, "GET", `/api/v1/monitors/${db.id}`)).parents).toEqual(
        [],
      );
      await expectAccessible(page);
      await screenshots(page, "map");
      await page.context().close();
    },
    scaledTimeout(180_000),
  );
});
