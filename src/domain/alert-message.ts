/**
 * The messages of alerting, shared by the services that build them (outbox, reminders, drills,
 * test-sends) and the notifier that delivers them (src/notify): plain data, built once when the
 * notification is written, never queried by a channel.
 */

/** What happened, as a channel sees it: built once when the notification is written, never queried. */
export type AlertEvent =
  | "down"
  | "up"
  | "degraded"
  /** A certificate crossed one of its expiry thresholds. */
  | "certificate"
  /** Still down and not acknowledged: a reminder of an open incident. */
  | "reminder"
  /** Someone acknowledged the incident. */
  | "acknowledged"
  | "test";

export interface AlertMessage {
  /** Stable per (event, channel): the `webhook-id`, the email `Message-ID` seed, the idempotency key. */
  notificationId: string;
  event: AlertEvent;
  /** A drill or a test-send: every message says so. */
  drill: boolean;
  organization: { id: string; name: string };
  monitor: { id: string; name: string; type: string; target: string };
  /** The monitor's state after the change (`down`, `up`, `degraded`). */
  state: string;
  previousState: string;
  /** When the monitor entered this state (ISO 8601). */
  since: string;
  incident: { id: string; startedAt: string; resolvedAt: string | null; durationMs: number | null } | null;
  /** The failing assertion or error, in words, when the event is a failure. */
  cause: string | null;
  runbookUrl: string | null;
  /** A signed link that acknowledges the incident; null when there is none to acknowledge. */
  acknowledgeUrl: string | null;
  /** A link to the monitor in Upblit. */
  monitorUrl: string;
  /** A link to the incident in Upblit; null or absent (messages written before it existed) without one. */
  incidentUrl?: string | null;
  /** A `certificate` warning: days left, expiry (ISO 8601), the certificate's name, the threshold crossed. */
  certificate?: { daysLeft: number; notAfter: string; subject?: string; threshold: number };
  /** A `reminder`: which one of the incident's reminders, and how long it has been down by now. */
  reminder?: { count: number; downForMs: number };
  /** A `down` alert sent to an escalation step because nobody acknowledged within `afterMinutes`. */
  escalation?: { level: number; afterMinutes: number };
  /** An `acknowledged` event: who (a person, an API key, "link from channel …"), when, and why. */
  acknowledgement?: { by: string; at: string; note: string | null };
}

/** The answer of one delivery attempt. */
export type SendOutcome =
  | { ok: true; statusCode?: number; detail?: string }
  | {
      ok: false;
      /** Worth trying again later (network error, timeout, 5xx, 429). */
      retryable: boolean;
      statusCode?: number;
      error: string;
      /** The receiver asked for this wait (429 Retry-After). */
      retryAfterMs?: number;
      /** The receiver said the endpoint is gone for good (410): stop using this channel. */
      disable?: boolean;
    };

/** A channel's template as stored and edited: either part may be left out (the default wording is used). */
export interface TemplateSource {
  title?: string;
  text?: string;
}
