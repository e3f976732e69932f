import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "../../lib/logger.ts";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** A fixed Message-ID (alerts: the same on every retry, so a re-send is recognisable). */
  messageId?: string;
  /** Sign with DKIM (alert emails). */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** Sends Upblit's own mail (invitations, resets, confirmations). Alert channels come separately. */
export interface Mailer {
  /** False when no SMTP server is configured: the caller then shows the link to whoever asked. */
  readonly enabled: boolean;
  send(message: MailMessage): Promise<void>;
}

/** SMTP through nodemailer; `SMTP_URL` carries host, port, TLS and credentials. */
export function createMailer(config: { smtpUrl: string | undefined; from: string }, log: Logger): Mailer {
  if (!config.smtpUrl) {
    return {
      enabled: false,
      send: async () => {
        throw new Error("no SMTP server is configured");
      },
    };
  }
  const transport: Transporter = nodemailer.createTransport(config.smtpUrl);
  return {
    enabled: true,
    async send(message) {
      // nodemailer refuses CR/LF in headers; subjects and addresses come from us or are validated.
      const info = await transport.sendMail({ from: config.from, ...message });
      log.info({ category: "mail", messageId: info.messageId, subject: message.subject }, "mail sent");
    },
  };
}
