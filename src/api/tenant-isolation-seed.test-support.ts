import { expect } from "vitest";
import { SCOPES } from "../domain/permissions.ts";
import { newId } from "../lib/ids.ts";
import { apiKeyFor, otherOrganization, signInAs, type TestUser } from "../test/accounts.ts";
import { API, call, createMonitor, monitorBody } from "../test/api-helpers.ts";
import type { TestDbKind } from "../test/db.ts";
import type { TestUpblit } from "../test/upblit.ts";
import type { ForeignIds } from "./tenant-isolation.test-support.ts";

/** Who acts in the tenant-isolation test (tenant-isolation.api.test.ts), and A's own objects. */
export interface IsolationActors {
  /** A's owner, signed in. */
  a: TestUser;
  /** A key of A's owner with every scope. */
  aKey: string;
  /** B's owner. */
  b: TestUser;
  /** A viewer of B, signed in (B's session and member). */
  bMember: TestUser;
  /** A's own page: B's incidents, subscribers and webhooks are asked for under it. */
  aPageId: string;
  /** A's own channel, which A's alert rules upserted by key send to. */
  aChannelId: string;
}

/**
 * Organization B with one object of every kind a route takes an id of (their ids put in `ids`,
 * with a config-as-code key "b-key" for each kind that has keys), and organization A with objects
 * of its own, so that empty lists prove nothing by accident.
 */
export async function seedOrganizations(
  up: TestUpblit,
  kind: TestDbKind,
  ids: ForeignIds,
): Promise<IsolationActors> {
  const a = await signInAs(up, "owner");
  const aKey = await apiKeyFor(a, [...SCOPES]);
  const b = await otherOrganization(up, "Organization B");
  const bMember = await signInAs(up, "viewer", { organizationId: b.organizationId });
  const bKey = await apiKeyFor(b, [...SCOPES]);
  const asB = { authorization: `Bearer ${bKey}` };

  const monitor = await call(up, "POST", `${API}/monitors`, monitorBody("tcp", { name: "B's monitor" }), asB);
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
  const aPageId = aPage.json<{ id: string }>().id;
  const aChannel = await call(
    up,
    "POST",
    `${API}/channels`,
    { name: "A's channel", kind: "ntfy", config: { topic: "a-alerts" } },
    { authorization: `Bearer ${aKey}` },
  );
  expect(aChannel.statusCode, aChannel.body).toBe(201);
  const aChannelId = aChannel.json<{ id: string }>().id;
  // A has objects of its own too, so empty lists prove nothing by accident.
  await createMonitor(up, monitorBody("tcp", { name: "A's monitor" }));
  return { a, aKey, b, bMember, aPageId, aChannelId };
}
