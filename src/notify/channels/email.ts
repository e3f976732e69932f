/**
 * Email alerts through the server's SMTP relay (`ctx.sendMail`, from SMTP_URL), text and HTML,
 * optionally DKIM-signed with the channel's own key. The Message-ID comes from the notification id
 * so a re-send after a crash is recognisably the same mail.
 */
import { createPrivateKey } from "node:crypto";
import { z } from "zod";
import { escapeHtml } from "../../lib/html.ts";
import { oneLine } from "../../services/mail/templates.ts";
import type { MessageTemplate } from "../template.ts";
import { linkUrl } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

const MAX_RECIPIENTS = 20;
/** A custom template's text part (and its HTML part before markup) is cut at this length. */
const MAX_CUSTOM_TEXT = 20_000;
const DNS_LABELS =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const EmailConfig = z.strictObject({
  to: z.array(z.email().max(254)).min(1).max(MAX_RECIPIENTS),
  subjectPrefix: z
    .string()
    .max(50)
    .regex(/^[^\p{Cc}]*$/u, "control characters are not allowed")
    .optional(),
  /** Sign with DKIM as this domain and selector; the private key is the `dkimPrivateKey` secret. */
  dkim: z
    .strictObject({
      domainName: z.string().max(253).regex(DNS_LABELS, "a domain name"),
      keySelector: z.string().max(63).regex(DNS_LABELS, "a DNS selector"),
    })
    .optional(),
});
export type EmailConfig = z.infer<typeof EmailConfig>;

export const EmailSecrets = z.strictObject({
  dkimPrivateKey: z
    .string()
    .max(16_384)
    .refine(isPrivateKeyPem, "a PEM private key (-----BEGIN PRIVATE KEY----- …)")
    .optional(),
});
export type EmailSecrets = z.infer<typeof EmailSecrets>;

function isPrivateKeyPem(pem: string): boolean {
  if (!pem.trimStart().startsWith("-----BEGIN ")) return false;
  try {
    return createPrivateKey(pem).type === "private";
  } catch {
    return false;
  }
}

/** The Message-ID for a notification: the same id on every attempt, so receivers can tell a re-send. */
function alertMessageId(notificationId: string): string {
  return `<${notificationId.replace(/[^A-Za-z0-9._-]/g, "")}@upblit>`;
}

/** One line, no control characters: the subject can never forge a header. */
function alertSubject(message: AlertMessage, prefix?: string, template?: MessageTemplate): string {
  const title = customTitle(message, template, "plain", 250) ?? titleOf(message);
  return oneLine(prefix ? `${prefix} ${title}` : title, 250);
}

/** Identifiers and incident times, after the summary, for whoever files the mail. */
function detailLines(message: AlertMessage): string[] {
  const lines: string[] = [];
  const incident = message.incident;
  if (incident) {
    lines.push(`Incident: ${incident.id}, started ${incident.startedAt}`);
    if (incident.resolvedAt) lines.push(`Resolved: ${incident.resolvedAt}`);
  }
  lines.push(`Notification: ${message.notificationId}`);
  return lines;
}

/** The plain-text part: title, facts, links one per line, details; or exactly a custom template's text. */
function alertText(message: AlertMessage, template?: MessageTemplate): string {
  const custom = customText(message, template, "plain", MAX_CUSTOM_TEXT);
  if (custom !== undefined) return custom;
  const links = linksOf(message).map((l) => `${l.label}: ${l.url}`);
  return `${[[titleOf(message)], summaryLines(message), links, detailLines(message)]
    .map((block) => block.join("\n"))
    .join("\n\n")}\n`;
}

const ACCENT: Record<AlertMessage["event"], string> = {
  down: "#cf222e",
  up: "#1a7f37",
  degraded: "#bc4c00",
  certificate: "#9a6700",
  reminder: "#cf222e",
  acknowledged: "#8250df",
  test: "#0969da",
};

const HTML_BODY = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1b1f24;max-width:600px;margin:0 auto;padding:24px">`;

/**
 * The HTML part: every value HTML-escaped; links only when http(s), else shown as text. A custom
 * template's text is HTML here (its values escaped, its line breaks kept as `<br>`).
 */
function alertHtml(message: AlertMessage, template?: MessageTemplate): string {
  const custom = customText(message, template, "html", MAX_CUSTOM_TEXT * 2, "<br>\n");
  if (custom !== undefined) return `${HTML_BODY}${custom}</body></html>`;
  const p = (text: string, style = "margin:0 0 12px") => `<p style="${style}">${escapeHtml(text)}</p>`;
  const link = ({ label, url }: { label: string; url: string }) => {
    const href = linkUrl(url);
    return href
      ? `<a href="${escapeHtml(href)}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(label)}</a>`
      : `<span>${escapeHtml(`${label}: ${url}`)}</span>`;
  };
  return (
    HTML_BODY +
    `<h2 style="margin:0 0 16px;padding-left:12px;border-left:6px solid ${ACCENT[message.event]}">${escapeHtml(titleOf(message))}</h2>` +
    summaryLines(message)
      .map((line) => p(line))
      .join("") +
    `<p style="margin:16px 0">${linksOf(message).map(link).join("")}</p>` +
    detailLines(message)
      .map((line) => p(line, "margin:0;font-size:12px;color:#57606a"))
      .join("") +
    `</body></html>`
  );
}

/**
 * An SMTP failure as an outcome: a 4xx reply is temporary (greylisting, full mailbox, rate limit)
 * and worth retrying, a 5xx reply is permanent; no reply at all (refused, reset, timeout) is retried.
 */
function judgeSmtpError(err: unknown): SendOutcome {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
  const code =
    typeof err === "object" && err !== null ? (err as { responseCode?: unknown }).responseCode : undefined;
  if (typeof code === "number" && code >= 400 && code < 600)
    return { ok: false, retryable: code < 500, statusCode: code, error: message };
  return { ok: false, retryable: true, error: message };
}

/** Rejects after `ms`: a relay that never answers must not hold the notifier (nodemailer waits minutes). */
function deadline(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the mail server within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export const emailChannel: ChannelAdapter<EmailConfig, EmailSecrets> = {
  kind: "email",
  label: "Email (SMTP)",
  config: EmailConfig,
  secrets: EmailSecrets,
  // SMTP goes to the operator's mail server (SMTP_URL), never to an address a member gives.
  dials: [],
  async send(message, ctx) {
    const { dkim } = ctx.config;
    const privateKey = ctx.secrets.dkimPrivateKey;
    if (dkim && !privateKey)
      return {
        ok: false,
        retryable: false,
        error: "DKIM is configured but the dkimPrivateKey secret is missing",
      };
    const timeout = deadline(ctx.timeoutMs);
    try {
      await Promise.race([
        ctx.sendMail({
          to: ctx.config.to.join(", "),
          subject: alertSubject(message, ctx.config.subjectPrefix, ctx.template),
          text: alertText(message, ctx.template),
          html: alertHtml(message, ctx.template),
          messageId: alertMessageId(message.notificationId),
          headers: { "Auto-Submitted": "auto-generated", "X-Upblit-Event": message.event },
          dkim: dkim && privateKey ? { ...dkim, privateKey } : undefined,
        }),
        timeout.promise,
      ]);
      return { ok: true };
    } catch (err) {
      return judgeSmtpError(err);
    } finally {
      timeout.cancel();
    }
  },
};
