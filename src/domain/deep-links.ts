/**
 * Every kind of link Upblit puts in an alert, an email, a page or a log line, and who answers it:
 * the dashboard (`spa`: the server sends index.html, the dashboard's router opens the screen) or
 * the server itself (`server`: a page rendered without JavaScript). docs/deep-links.md lists them;
 * deep-links.test.ts checks that every link the code builds matches one of these patterns, and the
 * dashboard's tests can open each `spa` pattern's example.
 */
export interface DeepLink {
  kind: string;
  /** The path after PUBLIC_URL; `:name` is one path segment. A `#token=` fragment never reaches the server. */
  pattern: string;
  handledBy: "spa" | "server";
  /** Where Upblit emits it. */
  emittedIn: string;
  /** A path that matches, for tests. */
  example: string;
}

export const DEEP_LINKS: readonly DeepLink[] = [
  {
    kind: "monitor",
    pattern: "/monitors/:id",
    handledBy: "spa",
    emittedIn: "every alert (monitorUrl, {{monitor_url}}); previews",
    example: "/monitors/mon_01jdx0000000000000000000000",
  },
  {
    kind: "incident",
    pattern: "/incidents/:id",
    handledBy: "spa",
    emittedIn: "alerts about an incident (incidentUrl, {{incident_url}})",
    example: "/incidents/inc_01jdx0000000000000000000000",
  },
  {
    kind: "channel",
    pattern: "/channels/:id",
    handledBy: "spa",
    emittedIn: "test-sends of a channel (monitorUrl of a test message)",
    example: "/channels/chn_01jdx0000000000000000000000",
  },
  {
    kind: "invitation",
    pattern: "/invite",
    handledBy: "spa",
    emittedIn: "invitation mail (/invite#token=…)",
    example: "/invite#token=abc",
  },
  {
    kind: "password-reset",
    pattern: "/reset-password",
    handledBy: "spa",
    emittedIn: "password-reset mail (/reset-password#token=…) and the email-change notice (no token)",
    example: "/reset-password#token=abc",
  },
  {
    kind: "email-confirmation",
    pattern: "/confirm-email",
    handledBy: "spa",
    emittedIn: "email-change confirmation mail (/confirm-email#token=…)",
    example: "/confirm-email#token=abc",
  },
  {
    kind: "setup",
    pattern: "/setup",
    handledBy: "server",
    emittedIn: "the first-run log line and `upblit setup-link` (/setup?token=…)",
    example: "/setup?token=abc",
  },
  {
    kind: "acknowledge",
    pattern: "/ack/:token",
    handledBy: "server",
    emittedIn: "down alerts and reminders (acknowledgeUrl)",
    example: "/ack/abc.def",
  },
  {
    kind: "status-page",
    pattern: "/status/:slug",
    handledBy: "server",
    emittedIn: "status-page API (url), JSON, feeds, subscriber mail and webhooks",
    example: "/status/acme",
  },
  {
    kind: "status-subscription-confirm",
    pattern: "/status/:slug/subscriptions/confirm",
    handledBy: "server",
    emittedIn: "subscription confirmation mail (?token=…)",
    example: "/status/acme/subscriptions/confirm?token=abc",
  },
  {
    kind: "status-unsubscribe",
    pattern: "/status/:slug/unsubscribe",
    handledBy: "server",
    emittedIn: "every subscriber mail (?token=…)",
    example: "/status/acme/unsubscribe?token=abc",
  },
  {
    kind: "api-docs",
    pattern: "/api/docs",
    handledBy: "server",
    emittedIn: "the start-up log line (docs) and server-rendered pages",
    example: "/api/docs",
  },
];

/** The deep link of `path` (query and fragment ignored), or undefined when none matches. */
export function deepLinkOf(path: string): DeepLink | undefined {
  const pathname = path.replace(/[?#].*$/, "");
  return DEEP_LINKS.find((link) => {
    const want = link.pattern.split("/");
    const got = pathname.split("/");
    return (
      want.length === got.length &&
      want.every((seg, i) => (seg.startsWith(":") ? got[i] !== "" : seg === got[i]))
    );
  });
}

/** The monitor's page in the dashboard. */
export const monitorLink = (publicUrl: string, id: string) => `${publicUrl}/monitors/${id}`;
/** The incident's page in the dashboard. */
export const incidentLink = (publicUrl: string, id: string) => `${publicUrl}/incidents/${id}`;
/** The channel's page in the dashboard. */
export const channelLink = (publicUrl: string, id: string) => `${publicUrl}/channels/${id}`;
