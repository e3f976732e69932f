import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../domain/permissions.ts";
import { newId } from "../lib/ids.ts";
import { apiKeyFor, otherOrganization, signInAs, type TestUser } from "../test/accounts.ts";
import { API, API_ONLY, call, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { isolationFixtures } from "./tenant-isolation.test-support.ts";

/**
 * Tenant isolation, generated from the route table: every route that takes an object id is called
 * by organization A with the id of organization B's object, and must answer exactly as for an id
 * that does not exist (404, same body) and change nothing. A new route with an id and no fixture
 * below fails the suite. Lists and filters of A never show B's objects.
 */
type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

describe.each(DB_KINDS)("tenant isolation on %s", (kind) => {
  let up: TestUpblit;
  let a: TestUser;
  let aKey: string;
  let b: TestUser;
  let bMember: TestUser;
  const ids: Record<string, string> = {};
  /** A's own page (not in `ids`, which holds B's objects): B's incidents are asked for under it. */
  let aPageId = "";
  /** A's own channel, which A's alert rules upserted by key send to. */
  let aChannelId = "";

  /** Route template → how to fill its parameter; keyed by `METHOD path` or by path for all methods. */
  const fixtures = () =>
    isolationFixtures(
      ids,
      () => aPageId,
      () => aChannelId,
    );

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    a = await signInAs(up, "owner");
    aKey = await apiKeyFor(a, [...SCOPES]);
    b = await otherOrganization(up, "Organization B");
    bMember = await signInAs(up, "viewer", { organizationId: b.organizationId });
    const bKey = await apiKeyFor(b, [...SCOPES]);
    const asB = { authorization: `Bearer ${bKey}` };

    const monitor = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "B's monitor" }),
      asB,
    );
    expect(monitor.statusCode, monitor.body).toBe(201);
    ids.monitor = monitor.json<{ id: string }>().id;
    const beat = await call(
      up,
      "POST",
      `${API}/monitors`,
      { type: "heartbeat", name: "B's job", heartbeat: { slug: "b-job" } },
      asB,
    );
    expect(beat.statusCode, beat.body).toBe(201);
    ids.heartbeatSlug = "b-job";
    ids.incident = newId("inc");
    await up.rt.db
      .insertInto("incidents")
      .values({
        id: ids.incident,
        organization_id: b.organizationId,
        monitor_id: ids.monitor,
        status: "open",
        cause: "fixture",
        started_at: new Date(),
      })
      .execute();
    const key = await call(
      up,
      "POST",
      `${API}/api-keys`,
      { name: "B's key", scopes: ["monitors:read"] },
      b.headers,
    );
    expect(key.statusCode, key.body).toBe(201);
    ids.apiKey = key.json<{ id: string }>().id;
    const office = await call(up, "POST", `${API}/regions`, { name: "office", kind: "remote" }, b.headers);
    expect(office.statusCode, office.body).toBe(201);
    const probeToken = await call(
      up,
      "POST",
      `${API}/probe-tokens`,
      { name: "B's office", region: "office" },
      b.headers,
    );
    expect(probeToken.statusCode, probeToken.body).toBe(201);
    ids.probeToken = probeToken.json<{ id: string }>().id;
    const invitation = await call(
      up,
      "POST",
      `${API}/invitations`,
      { email: "someone@example.com", role: "viewer" },
      b.headers,
    );
    expect(invitation.statusCode, invitation.body).toBe(201);
    ids.invitation = invitation.json<{ id: string }>().id;
    ids.member = bMember.userId;
    const channel = await call(
      up,
      "POST",
      `${API}/channels`,
      { name: "B's channel", kind: "ntfy", config: { topic: "b-alerts" } },
      asB,
    );
    expect(channel.statusCode, channel.body).toBe(201);
    ids.channel = channel.json<{ id: string }>().id;
    ids.notification = newId("ntf");
    await up.rt.db
      .insertInto("notifications")
      .values({
        id: ids.notification,
        organization_id: b.organizationId,
        channel_id: ids.channel,
        monitor_id: ids.monitor,
        event: "down",
        message: "{}",
        status: "failed",
        next_attempt_at: new Date(),
        give_up_at: new Date(),
        created_at: new Date(),
      })
      .execute();
    const rule = await call(
      up,
      "POST",
      `${API}/alert-rules`,
      { name: "B's rule", channelIds: [ids.channel], reminderMinutes: 5 },
      asB,
    );
    expect(rule.statusCode, rule.body).toBe(201);
    ids.alertRule = rule.json<{ id: string }>().id;
    const sessions = await call(up, "GET", `${API}/auth/sessions`, undefined, bMember.headers);
    ids.session = sessions.json<{ items: Array<{ id: string }> }>().items[0]!.id;
    const maintenance = await call(
      up,
      "POST",
      `${API}/maintenance-windows`,
      {
        title: "B's maintenance",
        monitorIds: [ids.monitor],
        schedule: {
          type: "recurring",
          timezone: "UTC",
          startTime: "02:00",
          durationMinutes: 60,
          daily: true,
        },
      },
      asB,
    );
    expect(maintenance.statusCode, maintenance.body).toBe(201);
    ids.maintenanceWindow = maintenance.json<{ id: string }>().id;
    const region = await call(up, "POST", `${API}/regions`, { name: "b-region", description: "B's" }, asB);
    expect(region.statusCode, region.body).toBe(201);
    ids.region = "b-region";
    const statusPage = await call(
      up,
      "POST",
      `${API}/status-pages`,
      {
        slug: `b-page-${kind}`,
        title: "B's page",
        groups: [{ name: "B", components: [{ monitorId: ids.monitor, displayName: "B's service" }] }],
      },
      asB,
    );
    expect(statusPage.statusCode, statusPage.body).toBe(201);
    ids.statusPage = statusPage.json<{ id: string }>().id;
    // B's config-as-code keys, one per kind, all named b-key.
    for (const [path, id] of [
      ["monitors", ids.monitor],
      ["channels", ids.channel],
      ["alert-rules", ids.alertRule],
      ["maintenance-windows", ids.maintenanceWindow],
      ["status-pages", ids.statusPage],
    ] as const) {
      const keyed = await call(up, "PUT", `${API}/${path}/keys/b-key`, { id }, asB);
      expect(keyed.statusCode, keyed.body).toBe(200);
    }
    const statusIncident = await call(
      up,
      "POST",
      `${API}/status-pages/${ids.statusPage}/incidents`,
      { title: "B's incident", message: "B's draft", published: false },
      asB,
    );
    expect(statusIncident.statusCode, statusIncident.body).toBe(201);
    ids.statusIncident = statusIncident.json<{ id: string }>().id;
    const subscribed = await up.app!.inject({
      method: "POST",
      url: `/status/b-page-${kind}/subscribe`,
      payload: { email: "b-subscriber@example.com" },
    });
    expect(subscribed.statusCode, subscribed.body).toBe(202);
    const subscribers = await call(
      up,
      "GET",
      `${API}/status-pages/${ids.statusPage}/subscribers`,
      undefined,
      asB,
    );
    ids.statusSubscriber = subscribers.json<{ items: Array<{ id: string }> }>().items[0]!.id;
    const webhook = await call(
      up,
      "POST",
      `${API}/status-pages/${ids.statusPage}/webhooks`,
      { url: "https://hooks.example.com/b" },
      asB,
    );
    expect(webhook.statusCode, webhook.body).toBe(201);
    ids.statusWebhook = webhook.json<{ id: string }>().id;
    const aPage = await call(
      up,
      "POST",
      `${API}/status-pages`,
      { slug: `a-page-${kind}`, title: "A's page" },
      {
        authorization: `Bearer ${aKey}`,
      },
    );
    expect(aPage.statusCode, aPage.body).toBe(201);
    aPageId = aPage.json<{ id: string }>().id;
    const aChannel = await call(
      up,
      "POST",
      `${API}/channels`,
      { name: "A's channel", kind: "ntfy", config: { topic: "a-alerts" } },
      { authorization: `Bearer ${aKey}` },
    );
    expect(aChannel.statusCode, aChannel.body).toBe(201);
    aChannelId = aChannel.json<{ id: string }>().id;
    // A has objects of its own too, so empty lists prove nothing by accident.
    await createMonitor(up, monitorBody("tcp", { name: "A's monitor" }));
  });
  afterAll(async () => up?.close());

  const fixtureFor = (method: string, url: string) => fixtures()[`${method} ${url}`] ?? fixtures()[url];
  const byId = () => up.app!.routeAuthTable.filter((r) => r.url.includes(":") && r.auth !== "public");

  it("has a fixture for every route that takes an id", () => {
    const missing = byId().filter(
      (r) =>
        !fixtureFor(
          r.method,
          r.url.replace(
            /\/(revoke|resend|rotate|pause|resume|check|events|results|uptime|rollups|test|retry|channels|silence)$/,
            "",
          ),
        ),
    );
    expect(missing.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it("answers A's requests for B's objects exactly as for objects that do not exist", async () => {
    const checked: string[] = [];
    for (const route of byId()) {
      const base = route.url.replace(
        /\/(revoke|resend|rotate|pause|resume|check|events|results|uptime|rollups|test|retry|channels|silence)$/,
        "",
      );
      const fixture = fixtureFor(route.method, route.url) ?? fixtureFor(route.method, base)!;
      const credentials =
        route.auth === "user" || (typeof route.auth === "object" && route.auth.keys === false)
          ? [a.headers]
          : [a.headers, { authorization: `Bearer ${aKey}` }];
      for (const headers of credentials) {
        const send = (id: string) =>
          call(
            up,
            route.method as Method,
            (fixture.path ? fixture.path(id) : route.url.replace(/:\w+/, id)) + (fixture.query ?? ""),
            route.method === "GET" ? undefined : (fixture.bodyFor?.(id) ?? fixture.body ?? {}),
            headers,
          );
        const foreignId = fixture.foreign();
        const foreign = await send(foreignId);
        const missing = await send(fixture.missing);
        const label = `${route.method} ${route.url} (${headers.authorization?.slice(7, 11)})`;
        if (fixture.upsert) {
          // Created (then, with the second credential, replaced) in A, the same for both keys.
          expect([200, 201], `${label}: ${foreign.body}`).toContain(foreign.statusCode);
          expect(missing.statusCode, `${label} missing: ${missing.body}`).toBe(foreign.statusCode);
          expect(foreign.body, label).not.toContain(fixture.upsert());
          const own = ({
            id: _i,
            createdAt: _c,
            updatedAt: _u,
            stateSince: _s,
            // A status page's slug and url, made from the key (slugs are unique across organizations).
            slug: _slug,
            url: _url,
            ...rest
          }: Record<string, unknown>) => rest;
          expect(own(foreign.json()), label).toEqual(own(missing.json()));
          checked.push(label);
          continue;
        }
        expect(foreign.statusCode, `${label}: ${foreign.body}`).toBe(404);
        expect(missing.statusCode, `${label} missing: ${missing.body}`).toBe(404);
        const shape = (body: string, id: string) => ({
          ...JSON.parse(body.replaceAll(id, "<id>")),
          requestId: "",
        });
        expect(shape(foreign.body, foreignId), label).toEqual(shape(missing.body, fixture.missing));
        checked.push(label);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });

  it("leaves B's objects as they were", async () => {
    const asB = b.headers;
    const monitor = (await call(up, "GET", `${API}/monitors/${ids.monitor}`, undefined, asB)).json<{
      name: string;
      paused: boolean;
    }>();
    expect(monitor).toMatchObject({ name: "B's monitor", paused: false });
    const key = (await call(up, "GET", `${API}/api-keys/${ids.apiKey}`, undefined, asB)).json<{
      revokedAt: string | null;
    }>();
    expect(key.revokedAt).toBeNull();
    const channel = (await call(up, "GET", `${API}/channels/${ids.channel}`, undefined, asB)).json<{
      name: string;
    }>();
    expect(channel.name).toBe("B's channel");
    // B's keys still name B's own objects, whatever A upserted under the same key.
    for (const [path, id] of [
      ["monitors", ids.monitor],
      ["channels", ids.channel],
      ["alert-rules", ids.alertRule],
      ["maintenance-windows", ids.maintenanceWindow],
      ["status-pages", ids.statusPage],
    ] as const) {
      const bKeys = await call(up, "GET", `${API}/${path}/keys`, undefined, asB);
      expect(bKeys.json<{ items: unknown[] }>().items).toEqual([{ key: "b-key", id }]);
    }
    const rule = (await call(up, "GET", `${API}/alert-rules/${ids.alertRule}`, undefined, asB)).json<{
      name: string;
    }>();
    expect(rule.name).toBe("B's rule");
    const incident = (await call(up, "GET", `${API}/incidents/${ids.incident}`, undefined, asB)).json<{
      acknowledgedAt: string | null;
      workflowStatus: string;
      postmortem: string | null;
      statusPageIncidents: unknown[];
    }>();
    expect(incident).toMatchObject({
      acknowledgedAt: null,
      workflowStatus: "investigating",
      postmortem: null,
      statusPageIncidents: [],
    });
    const notes = await call(up, "GET", `${API}/incidents/${ids.incident}/notes`, undefined, asB);
    expect(notes.json()).toEqual({ items: [] });
    const drills = await up.rt.db
      .selectFrom("monitor_drills")
      .select("id")
      .where("monitor_id", "=", ids.monitor!)
      .execute();
    expect(drills).toEqual([]);
    const maintenance = await call(
      up,
      "GET",
      `${API}/maintenance-windows/${ids.maintenanceWindow}`,
      undefined,
      asB,
    );
    expect(maintenance.json<{ title: string }>().title).toBe("B's maintenance");
    const region = await call(up, "GET", `${API}/regions/b-region`, undefined, asB);
    expect(region.json<{ description: string | null }>().description).toBe("B's");
    const letters = await call(up, "GET", `${API}/notifications?status=failed`, undefined, asB);
    expect(letters.body).toContain(ids.notification);
    const invitation = (await call(up, "GET", `${API}/invitations/${ids.invitation}`, undefined, asB)).json<{
      status: string;
    }>();
    expect(invitation.status).toBe("pending");
    const members = (await call(up, "GET", `${API}/members`, undefined, asB)).json<{
      items: Array<{ userId?: string; id?: string; role: string }>;
    }>();
    const member = members.items.find((m) => (m.userId ?? m.id) === ids.member);
    expect(member?.role).toBe("viewer");
    expect((await call(up, "GET", `${API}/me`, undefined, bMember.headers)).statusCode).toBe(200);
    expect((await call(up, "GET", `${API}/incidents/${ids.incident}`, undefined, asB)).statusCode).toBe(200);
    const statusPage = (await call(up, "GET", `${API}/status-pages/${ids.statusPage}`, undefined, asB)).json<{
      title: string;
    }>();
    expect(statusPage.title).toBe("B's page");
    const bIncident = await call(
      up,
      "GET",
      `${API}/status-pages/${ids.statusPage}/incidents/${ids.statusIncident}`,
      undefined,
      asB,
    );
    expect(bIncident.json()).toMatchObject({
      title: "B's incident",
      published: false,
      status: "investigating",
    });
    expect(bIncident.json<{ updates: unknown[] }>().updates).toHaveLength(1);
  });

  it("never lists B's objects to A, whatever the filter", async () => {
    const lists = up.app!.routeAuthTable.filter(
      (r) => r.method === "GET" && !r.url.includes(":") && r.auth !== "public" && r.url !== "/api/v1/events",
    );
    expect(lists.length).toBeGreaterThanOrEqual(8);
    const foreignIds = Object.values(ids);
    // Lists that need a query get one naming B's objects: they must leave them out.
    const query: Record<string, string> = { [`${API}/monitors/summaries`]: `?ids=${ids.monitor}` };
    for (const route of lists) {
      for (const headers of [a.headers, { authorization: `Bearer ${aKey}` }]) {
        const res = await call(up, "GET", `${route.url}${query[route.url] ?? ""}`, undefined, headers);
        if (res.statusCode === 403) continue; // person-only routes refuse the key; covered by the matrix
        expect(res.statusCode, `${route.url}: ${res.body}`).toBe(200);
        for (const id of foreignIds) expect(res.body, `${route.url} shows ${id}`).not.toContain(id);
      }
    }
    // Filters naming B's objects find nothing rather than B's data.
    for (const url of [
      `${API}/incidents?monitorId=${ids.monitor}`,
      `${API}/audit-log?targetId=${ids.monitor}`,
      `${API}/audit-log?actor=${b.userId}`,
    ]) {
      const res = await call(up, "GET", url, undefined, a.headers);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ items: unknown[] }>().items, url).toEqual([]);
    }
  });
});
