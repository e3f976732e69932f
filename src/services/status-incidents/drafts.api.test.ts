import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  getJson,
  monitorBody,
  startTarget,
  type TargetServer,
  waitFor,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { createPage, type PageJson, visit } from "../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { draftImpact, prepareStatusDrafts } from "./drafts.ts";

interface IncidentJson {
  id: string;
  title: string;
  status: string;
  impact: string;
  published: boolean;
  monitorIncidentId: string | null;
  componentIds: string[];
}

describe("draftImpact", () => {
  it("is a major outage only when every component is down", () => {
    expect(draftImpact(["down", "down"])).toBe("critical");
    expect(draftImpact(["down", "up"])).toBe("major");
    expect(draftImpact(["down", "affected"])).toBe("major");
  });
});

/**
 * The real pipeline (scheduler, probe, evaluator, notifier): a monitor shown on pages goes down,
 * and each page gets exactly one draft with the components and impact filled in; a page with
 * autoPublish shows it at once.
 */
describe.each(DB_KINDS)("status-page drafts from monitor incidents on %s", (kind) => {
  let up: TestUpblit;
  let failing: TargetServer;
  let healthy: TargetServer;
  let failingId: string;
  let healthyId: string;
  let manual: PageJson;
  let auto: PageJson;
  const incidents = (page: PageJson) =>
    getJson<{ items: IncidentJson[] }>(up, `${API}/status-pages/${page.id}/incidents`).then((r) => r.items);

  beforeAll(async () => {
    up = await startTestUpblit(kind);
    failing = await startTarget(200);
    healthy = await startTarget(200);
    const fast = { type: "http", intervalSeconds: 1, timeoutMs: 800, paused: true };
    failingId = (await createMonitor(up, { ...fast, name: "failing", target: failing.url })).id;
    healthyId = (await createMonitor(up, { ...fast, name: "healthy", target: healthy.url })).id;
    manual = await createPage(up, {
      groups: [
        {
          name: "All",
          components: [
            { monitorId: failingId, displayName: "Checkout" },
            { monitorId: healthyId, displayName: "Search" },
          ],
        },
      ],
    });
    auto = await createPage(up, {
      autoPublish: true,
      groups: [{ name: "Only", components: [{ monitorId: failingId, displayName: "Checkout API" }] }],
    });
    expect(auto.autoPublish).toBe(true);
    for (const id of [failingId, healthyId]) {
      const res = await call(up, "POST", `${API}/monitors/${id}/resume`);
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    await waitFor(
      () => getJson<{ state: string }>(up, `${API}/monitors/${failingId}`),
      (m) => m.state === "up",
      15_000,
    );
    failing.setStatus(500);
    await waitFor(
      () => incidents(auto),
      (items) => items.length > 0,
      20_000,
    );
  });
  afterAll(async () => {
    await up?.close();
    await failing?.close();
    await healthy?.close();
  });

  it("prepares one unpublished draft with the down component and a partial outage", async () => {
    const drafts = await waitFor(
      () => incidents(manual),
      (items) => items.length > 0,
      10_000,
    );
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      published: false,
      status: "investigating",
      impact: "major",
      componentIds: [failingId],
      title: "Partial outage: Checkout",
    });
    expect(drafts[0]!.monitorIncidentId).toMatch(/^inc_/);
    const html = (await visit(up, `/status/${manual.slug}`)).body;
    expect(html).not.toContain("Partial outage: Checkout");
  });

  it("publishes at once on an autoPublish page, with a major outage when all its components are down", async () => {
    const [draft] = await incidents(auto);
    expect(draft).toMatchObject({ published: true, impact: "critical", componentIds: [failingId] });
    const html = (await visit(up, `/status/${auto.slug}`)).body;
    expect(html).toContain("Active incidents");
    expect(html).toContain("Major outage: Checkout API");
    const rss = (await visit(up, `/status/${auto.slug}/feed.rss`)).body;
    expect(rss).toContain("Major outage: Checkout API");
  });

  it("stays at one draft per page and monitor incident when the job runs again", async () => {
    const [draft] = await incidents(manual);
    const again = await prepareStatusDrafts(up.rt, {
      organizationId: up.organizationId,
      monitorId: failingId,
      monitorName: "failing",
      incidentId: draft!.monitorIncidentId!,
      change: "opened",
      at: Date.now(),
      cause: null,
    });
    expect(again).toEqual([]);
    expect(await incidents(manual)).toHaveLength(1);
    expect(await incidents(auto)).toHaveLength(1);
    const publish = await call(up, "POST", `${API}/status-pages/${manual.id}/incidents/${draft!.id}/publish`);
    expect(publish.json<IncidentJson>().published).toBe(true);
    expect((await visit(up, `/status/${manual.slug}`)).body).toContain("Partial outage: Checkout");
  });
});

/**
 * One outage episode on a page is one draft: monitors failing one after another (or at once)
 * grow the page's open draft (components added, impact raised) instead of preparing more.
 */
describe.each(DB_KINDS)("one draft per outage episode on %s", (kind) => {
  let up: TestUpblit;
  const ids: string[] = [];
  const incidents = (page: PageJson) =>
    getJson<{ items: IncidentJson[] }>(up, `${API}/status-pages/${page.id}/incidents`).then((r) => r.items);
  const goDown = async (monitorId: string, incidentId: string) => {
    await up.rt.db
      .updateTable("monitor_state")
      .set({ state: "down", since: new Date() })
      .where("monitor_id", "=", monitorId)
      .execute();
    return prepareStatusDrafts(up.rt, {
      organizationId: up.organizationId,
      monitorId,
      monitorName: monitorId,
      incidentId,
      change: "opened",
      at: Date.now(),
      cause: null,
    });
  };
  const pageOfAll = () =>
    createPage(up, {
      groups: [
        {
          name: "All",
          components: ids.map((monitorId, i) => ({ monitorId, displayName: ["API", "Web", "DB"][i] })),
        },
      ],
    });

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    for (let i = 0; i < 3; i++) ids.push((await createMonitor(up, monitorBody("tcp"))).id);
  });
  afterAll(async () => up?.close());

  it("grows one draft as three monitors of a page fail one after another", async () => {
    const page = await pageOfAll();
    const [a, b, c] = ids as [string, string, string];
    const first = await goDown(a, "inc_episode_a");
    expect(first).toHaveLength(1);
    expect(await incidents(page)).toMatchObject([
      { componentIds: [a], impact: "major", title: "Partial outage: API", published: false },
    ]);
    expect(await goDown(b, "inc_episode_b")).toEqual(first);
    expect(await incidents(page)).toMatchObject([
      { id: first[0], componentIds: [a, b], impact: "major", title: "Partial outage: API, Web" },
    ]);
    expect(await goDown(c, "inc_episode_c")).toEqual(first);
    const [draft, ...others] = await incidents(page);
    expect(others).toEqual([]);
    expect(draft).toMatchObject({
      id: first[0],
      componentIds: [a, b, c],
      impact: "critical",
      title: "Major outage: API, Web, DB",
      status: "investigating",
      published: false,
    });
    // The job running again changes nothing.
    expect(await goDown(b, "inc_episode_b")).toEqual([]);
    expect(await incidents(page)).toHaveLength(1);

    // Once resolved, the episode is over: the next failure prepares a new draft.
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${first[0]}/updates`, {
      status: "resolved",
      body: "Recovered",
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = await goDown(a, "inc_episode_a2");
    expect(next).toHaveLength(1);
    expect(next).not.toEqual(first);
    expect(await incidents(page)).toHaveLength(2);
  });

  it("prepares one draft when three monitors fail at once", async () => {
    for (const id of ids) {
      await up.rt.db.updateTable("monitor_state").set({ state: "up" }).where("monitor_id", "=", id).execute();
    }
    const page = await pageOfAll();
    await Promise.all(ids.map((id, i) => goDown(id, `inc_together_${i}`)));
    const drafts = await incidents(page);
    expect(drafts).toHaveLength(1);
    expect([...drafts[0]!.componentIds].sort()).toEqual([...ids].sort());
    expect(drafts[0]!.impact).toBe("critical");
  });
});
