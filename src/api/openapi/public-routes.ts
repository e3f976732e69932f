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
  ...Object.fromEntries(
    ["ping", "pingPost", "pingSignal", "pingSignalPost"].map((id) => [
      id,
      {
        description: "`OK`: the ping was recorded",
        content: { "text/plain": { schema: { type: "string", enum: ["OK"] } } },
      },
    ]),
  ),
  getStatusBadge: {
    description: "An SVG badge with the monitor's state",
    content: { "image/svg+xml": { schema: { type: "string" } } },
  },
  getUptimeBadge: {
    description: "An SVG badge with the monitor's 30-day uptime",
    content: { "image/svg+xml": { schema: { type: "string" } } },
  },
};

/** Public routes whose other answers are not problems: the ping routes answer in plain text. */
export const PUBLIC_TEXT_ERRORS: Record<string, Record<string, string>> = Object.fromEntries(
  ["ping", "pingPost", "pingSignal", "pingSignalPost"].map((id) => [
    id,
    {
      "404": "`not found`: no monitor has this token, or the signal is not one",
      "429": "`rate limited`, with `Retry-After`",
    },
  ]),
);
