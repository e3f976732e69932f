import type { z } from "zod";
import type { AlertMessage, SendOutcome } from "../../domain/alert-message.ts";
import type { MailMessage } from "../../services/mail/mailer.ts";
import type { Outbound } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";

export type { AlertEvent, AlertMessage, SendOutcome } from "../../domain/alert-message.ts";

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
  /**
   * The settings that hold an address Upblit itself connects to (a webhook URL, a self-hosted
   * server): checked against the egress rules when saved, and again at every connection.
   */
  dials: ReadonlyArray<{ in: "config" | "secrets"; key: string }>;
  /**
   * Secrets generated for a channel created without them (the webhook's signing secret); the
   * create answer shows them once.
   */
  generateSecrets?(given: Record<string, unknown>): Record<string, string>;
  send(message: AlertMessage, ctx: SendContext<Config, Secrets>): Promise<SendOutcome>;
}
