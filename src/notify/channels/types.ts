import type { z } from "zod";
import type { MailMessage } from "../../services/mail/mailer.ts";
import type { Outbound } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";

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

export interface SendContext<Config, Secrets> {
  config: Config;
  secrets: Secrets;
  /** The one outbound HTTP client: SSRF-safe, no redirects, one deadline per request. */
  http: Outbound;
  /** SMTP sending for the email channel. */
  sendMail: (message: MailMessage) => Promise<void>;
  timeoutMs: number;
  /** The channel's custom template (docs/templates.md); the default wording where it has no part. */
  template?: MessageTemplate;
}

/**
 * A notification channel kind: its settings (non-secret `config`, write-only `secrets`, both
 * validated by zod at the API edge), and how to deliver one message. Adapters never query the
 * database and never throw for a failed delivery: they return a SendOutcome.
 */
export interface ChannelAdapter<Config = unknown, Secrets = unknown> {
  kind: string;
  /** Shown in the API docs. */
  label: string;
  config: z.ZodType<Config>;
  secrets: z.ZodType<Secrets>;
  send(message: AlertMessage, ctx: SendContext<Config, Secrets>): Promise<SendOutcome>;
}
