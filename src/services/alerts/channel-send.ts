import type { SendOutcome, TemplateSource } from "../../domain/alert-message.ts";
import type { Outbound } from "../../lib/outbound.ts";
import type { Runtime } from "../context.ts";
import type { MailMessage } from "../mail/mailer.ts";
import type { ClaimedDelivery } from "./handover.ts";

/**
 * One message to one channel: its kind, settings, secrets (sealed as stored, or plain in a
 * preview), template and the message itself.
 */
export type ChannelSend = Pick<ClaimedDelivery, "kind" | "config" | "message"> & {
  secrets: Record<string, unknown> | string;
  template?: TemplateSource | null;
};

/** Transports that replace the real ones for one send (a preview records instead of sending). */
export interface SendTransports {
  outbound?: Outbound;
  sendMail?: (message: MailMessage) => Promise<void>;
}

/**
 * Sends one message through its channel's adapter and answers the outcome; never throws for a
 * failed delivery. The notifier implements it (src/notify/send.ts) and main.ts hands it in, so a
 * service or route sends without importing the notifier (docs/development.md, "Dependencies").
 */
export type SendToChannel = (
  rt: Runtime,
  delivery: ChannelSend,
  transports?: SendTransports,
) => Promise<SendOutcome>;
