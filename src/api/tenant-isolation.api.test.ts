import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestUser } from "../test/accounts.ts";
import { API, API_ONLY, call } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { isolationFixtures } from "./tenant-isolation.test-support.ts";
import { seedOrganizations } from "./tenant-isolation-seed.test-support.ts";

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
    ({ a, aKey, b, bMember, aPageId, aChannelId } = await seedOrganizations(up, kind, ids));
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
