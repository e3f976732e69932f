import { API } from "../test/api-helpers.ts";

/**
 * How the tenant-isolation test (tenant-isolation.api.test.ts) fills each route's id: with
 * organization B's object, or one that exists nowhere. Keyed by `METHOD path`, or by path for
 * every method. A new route with an id and no entry here fails that test.
 */
export interface Fixture {
  /** B's object id for this route's path parameter. */
  foreign: () => string;
  /** An id of the same kind that exists nowhere. */
  missing: string;
  /** A valid body, so that validation does not answer before the lookup does. */
  body?: unknown;
  /** Required query parameters, for the same reason. */
  query?: string;
  /** The whole path for routes with two ids (the first filled by the fixture, e.g. A's own page). */
  path?: (id: string) => string;
  /**
   * An upsert by key: B's key is unbound for A, so A's request creates (or then replaces) A's own
   * resource exactly as with a key nobody has, never touching B's, whose id this returns.
   */
  upsert?: () => string;
  /** The body for this id or key, when it must differ between them (a status page's slug). */
  bodyFor?: (id: string) => unknown;
}

/** B's objects' ids by kind, filled by the test before it asks. */
export type ForeignIds = Record<string, string>;

/** The fixtures, given B's ids and A's own status page (for routes with two ids). */
export function isolationFixtures(
  ids: ForeignIds,
  aPageId: () => string,
  aChannelId: () => string,
): Record<string, Fixture> {
  return {
    "/api/v1/monitors/:id": { foreign: () => ids.monitor!, missing: "mon_00000000000000000000000000" },
    "PATCH /api/v1/monitors/:id": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      body: { name: "taken over" },
    },
    "GET /api/v1/monitors/:id/rollups": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      query: "?from=2024-01-01T00:00:00Z",
    },
    "/api/v1/monitors/:id/pings": { foreign: () => ids.monitor!, missing: "mon_00000000000000000000000000" },
    // B's heartbeat by its slug: A's key pings only A's heartbeats.
    "/api/v1/ping/:slug": { foreign: () => ids.heartbeatSlug!, missing: "no-such-job" },
    "/api/v1/ping/:slug/:signal": {
      foreign: () => ids.heartbeatSlug!,
      missing: "no-such-job",
      path: (slug) => `${API}/ping/${slug}/start`,
    },
    // B's monitor (its pings are B's too): found neither by monitor nor by ping.
    "/api/v1/monitors/:id/pings/:pingId": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      path: (id) => `${API}/monitors/${id}/pings/png_00000000000000000000000000`,
    },
    // B's monitor: its screenshots are B's, found neither by monitor nor by slot.
    "/api/v1/monitors/:id/screenshots/:region/:slotAt": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      path: (id) => `${API}/monitors/${id}/screenshots/local/2024-01-01T00:00:00.000Z`,
    },
    "/api/v1/incidents/:id": { foreign: () => ids.incident!, missing: "inc_00000000000000000000000000" },
    "PATCH /api/v1/incidents/:id": {
      foreign: () => ids.incident!,
      missing: "inc_00000000000000000000000000",
      body: { workflowStatus: "resolved", postmortem: "taken over" },
    },
    "/api/v1/incidents/:id/timeline": {
      foreign: () => ids.incident!,
      missing: "inc_00000000000000000000000000",
    },
    "/api/v1/incidents/:id/notes": {
      foreign: () => ids.incident!,
      missing: "inc_00000000000000000000000000",
      body: { body: "taken over" },
    },
    // B's incident drafted onto A's own page: the incident must not be found.
    "POST /api/v1/incidents/:id/status-page-incident": {
      foreign: () => ids.incident!,
      missing: "inc_00000000000000000000000000",
      body: { statusPageId: aPageId() },
    },
    "/api/v1/api-keys/:id": { foreign: () => ids.apiKey!, missing: "key_00000000000000000000000000" },
    "/api/v1/probe-tokens/:id": {
      foreign: () => ids.probeToken!,
      missing: "prt_00000000000000000000000000",
    },
    "/api/v1/invitations/:id": { foreign: () => ids.invitation!, missing: "inv_00000000000000000000000000" },
    "/api/v1/members/:userId": { foreign: () => ids.member!, missing: "usr_00000000000000000000000000" },
    "PATCH /api/v1/members/:userId": {
      foreign: () => ids.member!,
      missing: "usr_00000000000000000000000000",
      body: { role: "owner" },
    },
    "/api/v1/members/:userId/transfer-ownership": {
      foreign: () => ids.member!,
      missing: "usr_00000000000000000000000000",
    },
    "/api/v1/channels/:id": { foreign: () => ids.channel!, missing: "chn_00000000000000000000000000" },
    "PATCH /api/v1/channels/:id": {
      foreign: () => ids.channel!,
      missing: "chn_00000000000000000000000000",
      body: { name: "taken over" },
    },
    "PUT /api/v1/monitors/:id/silence": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      body: { reason: "taking over", untilRecovery: true },
    },
    "PUT /api/v1/monitors/:id/channels": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      body: { channelIds: [] },
    },
    "/api/v1/notifications/:id": {
      foreign: () => ids.notification!,
      missing: "ntf_00000000000000000000000000",
    },
    "/api/v1/auth/sessions/:id": { foreign: () => ids.session!, missing: "ses_00000000000000000000000000" },
    "/api/v1/alert-rules/:id": { foreign: () => ids.alertRule!, missing: "rul_00000000000000000000000000" },
    "PATCH /api/v1/alert-rules/:id": {
      foreign: () => ids.alertRule!,
      missing: "rul_00000000000000000000000000",
      body: { name: "taken over" },
    },
    "POST /api/v1/incidents/:id/acknowledge": {
      foreign: () => ids.incident!,
      missing: "inc_00000000000000000000000000",
      body: { note: "not yours" },
    },
    "POST /api/v1/channels/:id/preview": {
      foreign: () => ids.channel!,
      missing: "chn_00000000000000000000000000",
      body: { event: "down" },
    },
    // With wait: the lookup must refuse before anything is queued or awaited.
    "POST /api/v1/monitors/:id/check": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
      query: "?wait=true",
    },
    "POST /api/v1/monitors/:id/drill": {
      foreign: () => ids.monitor!,
      missing: "mon_00000000000000000000000000",
    },
    "/api/v1/regions/:name": { foreign: () => ids.region!, missing: "no-such-region" },
    "PATCH /api/v1/regions/:name": {
      foreign: () => ids.region!,
      missing: "no-such-region",
      body: { description: "taken over" },
    },
    "/api/v1/maintenance-windows/:id": {
      foreign: () => ids.maintenanceWindow!,
      missing: "mnt_00000000000000000000000000",
    },
    "PATCH /api/v1/maintenance-windows/:id": {
      foreign: () => ids.maintenanceWindow!,
      missing: "mnt_00000000000000000000000000",
      body: { title: "taken over" },
    },
    "/api/v1/status-pages/:id": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
    },
    "PATCH /api/v1/status-pages/:id": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
      body: { title: "taken over" },
    },
    "/api/v1/status-pages/:id/domains": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
      body: { domain: "status.taken-over.com" },
    },
    // The second parameter stays the literal ":domain": the page decides first, then the domain.
    "/api/v1/status-pages/:id/domains/:domain": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
    },
    "/api/v1/status-pages/:id/domains/:domain/verify": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
    },
    "/api/v1/status-pages/:id/incidents": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
      body: { title: "taken over", message: "x" },
    },
    // B's incident asked for under A's own page: the incident must not be found.
    "/api/v1/status-pages/:id/incidents/:incidentId": {
      foreign: () => ids.statusIncident!,
      missing: "spi_00000000000000000000000000",
      path: (id) => `${API}/status-pages/${aPageId()}/incidents/${id}`,
      body: { title: "taken over" },
    },
    "POST /api/v1/status-pages/:id/incidents/:incidentId/publish": {
      foreign: () => ids.statusIncident!,
      missing: "spi_00000000000000000000000000",
      path: (id) => `${API}/status-pages/${aPageId()}/incidents/${id}/publish`,
    },
    "/api/v1/status-pages/:id/incidents/:incidentId/updates": {
      foreign: () => ids.statusIncident!,
      missing: "spi_00000000000000000000000000",
      path: (id) => `${API}/status-pages/${aPageId()}/incidents/${id}/updates`,
      body: { status: "resolved", body: "taken over" },
    },
    "/api/v1/status-pages/:id/subscribers": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
    },
    // B's subscriber asked for under A's own page: it must not be found.
    "/api/v1/status-pages/:id/subscribers/:subscriberId": {
      foreign: () => ids.statusSubscriber!,
      missing: "sub_00000000000000000000000000",
      path: (id) => `${API}/status-pages/${aPageId()}/subscribers/${id}`,
    },
    "/api/v1/status-pages/:id/webhooks": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
      body: { url: "https://hooks.taken-over.com/x" },
    },
    // B's webhook asked for under A's own page: it must not be found.
    "/api/v1/status-pages/:id/webhooks/:webhookId": {
      foreign: () => ids.statusWebhook!,
      missing: "swh_00000000000000000000000000",
      path: (id) => `${API}/status-pages/${aPageId()}/webhooks/${id}`,
    },
    "GET /api/v1/status-pages/:id/reports": {
      foreign: () => ids.statusPage!,
      missing: "page_00000000000000000000000000",
      query: "?period=2026-01",
    },
    ...keyFixtures(ids),
    ...upsertFixtures(ids, aChannelId),
  };
}

/** Config-as-code keys, per kind: B's key is not A's to remove, nor B's resource A's to name. */
function keyFixtures(ids: ForeignIds): Record<string, Fixture> {
  const kinds = {
    monitors: "monitor",
    channels: "channel",
    "alert-rules": "alertRule",
    "maintenance-windows": "maintenanceWindow",
    "status-pages": "statusPage",
  };
  return Object.fromEntries(
    Object.entries(kinds).flatMap(([path, id]) => [
      // A names B's resource (under any key): not found, as a resource that exists nowhere.
      [
        `PUT ${API}/${path}/keys/:key`,
        {
          foreign: () => "b-key",
          missing: "no-such-key",
          get body() {
            return { id: ids[id] };
          },
        },
      ],
      [`DELETE ${API}/${path}/keys/:key`, { foreign: () => "b-key", missing: "no-such-key" }],
    ]),
  );
}

/** Upserts by key: A's PUT with B's key acts as with an unknown key, on A's own resources. */
function upsertFixtures(ids: ForeignIds, aChannelId: () => string): Record<string, Fixture> {
  return {
    [`PUT ${API}/monitors/by-key/:key`]: {
      foreign: () => "b-key",
      missing: "no-such-key",
      body: { name: "A's upsert", type: "tcp", target: "a.example.com:5432" },
      upsert: () => ids.monitor!,
    },
    [`PUT ${API}/channels/by-key/:key`]: {
      foreign: () => "b-key",
      missing: "no-such-key",
      body: { name: "A's upsert", kind: "ntfy", config: { topic: "a-alerts" } },
      upsert: () => ids.channel!,
    },
    [`PUT ${API}/alert-rules/by-key/:key`]: {
      foreign: () => "b-key",
      missing: "no-such-key",
      get body() {
        return { name: "A's upsert", tags: ["a"], channelIds: [aChannelId()] };
      },
      upsert: () => ids.alertRule!,
    },
    [`PUT ${API}/maintenance-windows/by-key/:key`]: {
      foreign: () => "b-key",
      missing: "no-such-key",
      body: {
        title: "A's upsert",
        tags: ["a"],
        schedule: {
          type: "recurring",
          timezone: "UTC",
          startTime: "02:00",
          durationMinutes: 30,
          daily: true,
        },
      },
      upsert: () => ids.maintenanceWindow!,
    },
    [`PUT ${API}/status-pages/by-key/:key`]: {
      foreign: () => "b-key",
      missing: "no-such-key",
      // Slugs are unique across organizations: one per key.
      bodyFor: (key) => ({ slug: `a-upsert-${key}`, title: "A's upsert" }),
      upsert: () => ids.statusPage!,
    },
  };
}
