/**
 * The public routes (status pages' JSON, feeds, live stream, badges) send bodies they build
 * themselves rather than through a response schema; their success responses are described here
 * by operationId. Every public route is documented (test/openapi.test.ts).
 */
const json = (description: string) => ({
  description,
  content: {
    "application/json": {
      schema: {
        type: "object",
        description: "Shaped as Atlassian Statuspage's public API v2 (docs/status-pages.md)",
      },
    },
  },
});

const pingText = (description: string) => ({
  description,
  headers: {
    "Ping-Body-Limit": { description: "Bytes of a body that are stored", schema: { type: "integer" } },
  },
  content: { "text/plain": { schema: { type: "string" } } },
});
const PING_OPERATIONS = ["pingHeartbeat", "pingHeartbeatSignal", "pingHeartbeatSlugSignal"].flatMap((id) => [
  id,
  `${id}Post`,
]);

/** The heartbeats' public ping routes answer in plain text, as Healthchecks' do (docs/heartbeats.md). */
export const PING_RESPONSES: Record<string, Record<string, unknown>> = {
  "200": pingText("`OK`: the ping was recorded"),
  "404": pingText("`not found`: no monitor has this token (or ping key and slug), or the signal is unknown"),
  "429": pingText("`rate limited`, with `Retry-After`: too many pings from this address or to this monitor"),
};
export const isPingOperation = (operationId: string | undefined) =>
  PING_OPERATIONS.includes(operationId ?? "");

export const PUBLIC_SUCCESS: Record<string, Record<string, unknown>> = {
  getStatusSummaryJson: json("The page, its components, unresolved incidents and upcoming maintenance"),
  getStatusJson: json("The page's overall status indicator"),
  getStatusComponentsJson: json("The page's components and their status"),
  getStatusIncidentsJson: json("The page's 50 latest published incidents"),
  getStatusIncidentsUnresolvedJson: json("The page's unresolved incidents"),
  getStatusScheduledMaintenancesJson: json("The page's 50 latest maintenance announcements"),
  getStatusScheduledMaintenancesUpcomingJson: json("The page's upcoming maintenance"),
  getStatusScheduledMaintenancesActiveJson: json("The page's maintenance in progress"),
  getStatusFeedRss: {
    description: "RSS 2.0 feed of published incidents and maintenance",
    content: { "application/rss+xml": { schema: { type: "string" } } },
  },
  getStatusFeedAtom: {
    description: "Atom feed of published incidents and maintenance",
    content: { "application/atom+xml": { schema: { type: "string" } } },
  },
  streamStatusEvents: {
    description:
      "Server-Sent Events: a `page` event with the banner and every component's public state on connect and after each change; `page.closed` when access ends",
    content: { "text/event-stream": { schema: { type: "string" } } },
  },
  getStatusBadge: {
    description: "An SVG badge with the monitor's state",
    content: { "image/svg+xml": { schema: { type: "string" } } },
  },
  getUptimeBadge: {
    description: "An SVG badge with the monitor's 30-day uptime",
    content: { "image/svg+xml": { schema: { type: "string" } } },
  },
};

/** Authenticated routes whose success body is an image, not JSON (described by operationId). */
export const BINARY_SUCCESS: Record<string, Record<string, unknown>> = {
  getMonitorScreenshot: {
    description: "The screenshot (JPEG, at most 300 KB)",
    content: { "image/jpeg": { schema: { type: "string", contentMediaType: "image/jpeg" } } },
  },
};
