import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ONLY, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const DAY = 86_400_000;

interface SummaryJson {
  page: { updated_at: string };
  components: Array<{ id: string; group: boolean; created_at: string; updated_at: string }>;
}

/** The Statuspage v2 JSON of a page: its timestamps. */
describe.each(DB_KINDS)("status page v2 JSON on %s", (kind) => {
  let up: TestUpblit;
  let page: PageJson;
  let monitorId: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, PUBLIC_URL: "https://upblit.example.test" });
    monitorId = (await createMonitor(up, monitorBody("tcp"))).id;
    // The monitor's state has not changed since yesterday; it joins the page today.
    await up.rt.db
      .updateTable("monitor_state")
      .set({ since: new Date(Date.now() - DAY) })
      .where("monitor_id", "=", monitorId)
      .execute();
    page = await createPage(up, {
      groups: [{ name: "G", components: [{ monitorId, displayName: "Website" }] }],
    });
  });
  afterAll(async () => up?.close());

  it("never dates a component's update before its creation, and dates the page by its last change", async () => {
    // Read strictly after the page's last change.
    while (Date.now() <= Date.parse(String(page.updatedAt))) await new Promise((r) => setTimeout(r, 2));
    const readAt = Date.now();
    const first = await visit(up, `/status/${page.slug}/api/v2/summary.json`);
    expect(first.statusCode, first.body).toBe(200);
    const summary = first.json<SummaryJson>();
    for (const c of summary.components) {
      expect(Date.parse(c.updated_at), c.id).toBeGreaterThanOrEqual(Date.parse(c.created_at));
    }
    const component = summary.components.find((c) => c.id === monitorId)!;
    expect(component.updated_at).toBe(component.created_at);
    // Nothing changed after the page was made: its time is the last change, not the read time.
    const lastChange = Math.max(Date.parse(String(page.updatedAt)), Date.parse(component.updated_at));
    expect(lastChange).toBeLessThan(readAt);
    expect(Date.parse(summary.page.updated_at)).toBe(lastChange);
  });
});
