import type { AlertMessage, TemplateSource } from "../../domain/alert-message.ts";
import { incidentLink, monitorLink } from "../../domain/deep-links.ts";
import { newId } from "../../lib/ids.ts";
import type { Outbound } from "../../lib/outbound.ts";
import type { Ctx } from "../context.ts";
import type { MailMessage } from "../mail/mailer.ts";
import type { SendToChannel } from "./channel-send.ts";
import { testMessage } from "./test-message.ts";

/** The events a preview can show. */
export const PREVIEW_EVENTS = [
  "down",
  "up",
  "degraded",
  "reminder",
  "escalation",
  "acknowledged",
  "certificate",
  "test",
] as const;
export type PreviewEvent = (typeof PREVIEW_EVENTS)[number];

/** What stands for a secret in a preview. */
export const REDACTED = "•••";

/** One request the channel would make; for email, the mail (`SMTP`, `mailto:` recipients). */
export interface PreviewRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The HTML part of a mail. */
  html?: string;
}

export interface Preview {
  requests: PreviewRequest[];
  /** Why the adapter made no request (e.g. DKIM without its key); null when it made them. */
  error: string | null;
}

/** A channel to preview: its kind, settings (already validated) and template. */
export interface PreviewChannel {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  template: TemplateSource | null;
}

/**
 * Runs the channel's real adapter on sample data with an Outbound and a sendMail that record
 * instead of sending, and returns exactly what it would send, secrets replaced by `•••`. Nothing
 * leaves the server, so a preview is not rate-limited like a test-send.
 */
export async function previewChannel(
  ctx: Ctx,
  notify: { send: SendToChannel },
  channel: PreviewChannel,
  sample: { event: PreviewEvent; drill: boolean },
): Promise<Preview> {
  const requests: PreviewRequest[] = [];
  const message =
    sample.event === "test"
      ? await testMessage(ctx, channel)
      : await sampleAlert(ctx, sample.event, sample.drill);
  const outcome = await notify.send(
    ctx,
    {
      kind: channel.kind,
      config: channel.config,
      secrets: channel.secrets,
      template: channel.template,
      message,
    },
    {
      outbound: recordingOutbound(requests),
      sendMail: async (mail) => {
        requests.push(mailRequest(mail));
      },
    },
  );
  const redact = redactor(channel.secrets);
  const error = requests.length === 0 && !outcome.ok ? redact(outcome.error) : null;
  return { requests: requests.map((r) => redactRequest(r, redact)), error };
}

/**
 * A realistic alert about a sample monitor (the organization is real), in the shape the outbox
 * writes: a down or degraded with its cause and acknowledge link, or a recovery after 12 minutes.
 */
export async function sampleAlert(
  ctx: Ctx,
  event: Exclude<PreviewEvent, "test">,
  drill = false,
): Promise<AlertMessage> {
  const org = await ctx.db
    .selectFrom("organizations")
    .select(["id", "name"])
    .where("id", "=", ctx.organizationId)
    .executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const startedAt = now - 12 * 60_000;
  const recovered = event === "up";
  const state = event === "up" || event === "degraded" ? event : "down";
  return {
    notificationId: newId("ntf"),
    // An escalation is a down alert sent to the next step's channels.
    event: event === "escalation" ? "down" : event,
    drill,
    organization: { id: org.id, name: org.name },
    monitor: {
      id: "mon_sample",
      name: "Checkout API",
      type: "http",
      target: "https://shop.example.com/health",
    },
    state,
    previousState: recovered ? "down" : "up",
    since: new Date(now).toISOString(),
    incident: {
      id: "inc_sample",
      startedAt: new Date(startedAt).toISOString(),
      resolvedAt: recovered ? new Date(now).toISOString() : null,
      durationMs: recovered ? now - startedAt : null,
    },
    cause: recovered ? null : "status is 503, expected one of [200]",
    runbookUrl: "https://wiki.example.com/runbooks/checkout",
    acknowledgeUrl: recovered ? null : `${ctx.auth.publicUrl}/ack/sample`,
    monitorUrl: monitorLink(ctx.auth.publicUrl, "mon_sample"),
    incidentUrl: incidentLink(ctx.auth.publicUrl, "inc_sample"),
    ...followUpSample(event, now, startedAt),
  };
}

/** The extra facts of the follow-up events, with sample values. */
function followUpSample(event: Exclude<PreviewEvent, "test">, now: number, startedAt: number) {
  if (event === "reminder") return { reminder: { count: 2, downForMs: now - startedAt } };
  if (event === "escalation") return { escalation: { level: 1, afterMinutes: 10 } };
  if (event === "acknowledged") {
    return {
      acknowledgement: { by: "Ada Lovelace", at: new Date(now).toISOString(), note: "Looking into it" },
    };
  }
  if (event === "certificate") {
    const notAfter = new Date(now + 13 * 86_400_000).toISOString();
    return { certificate: { daysLeft: 13, notAfter, subject: "shop.example.com", threshold: 14 } };
  }
  return {};
}

/** An Outbound that records each request and answers 200 with an empty body. */
function recordingOutbound(requests: PreviewRequest[]): Outbound {
  return {
    async request(url, init) {
      requests.push({
        method: init.method ?? "POST",
        url,
        headers: { ...init.headers },
        body: init.body ?? "",
      });
      return { statusCode: 200, headers: {}, body: "" };
    },
  };
}

/**
 * A mail as a request: recipients as a `mailto:` URL, the headers it sets (names lower-cased like
 * HTTP's), the text and HTML parts.
 */
function mailRequest(mail: MailMessage): PreviewRequest {
  const headers = Object.entries(mail.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]);
  return {
    method: "SMTP",
    url: `mailto:${mail.to.split(/,\s*/).join(",")}`,
    headers: {
      subject: mail.subject,
      ...(mail.messageId ? { "message-id": mail.messageId } : {}),
      ...Object.fromEntries(headers),
      ...(mail.dkim
        ? { "dkim-signature": `d=${mail.dkim.domainName}; s=${mail.dkim.keySelector}; (signed when sent)` }
        : {}),
    },
    body: mail.text,
    ...(mail.html === undefined ? {} : { html: mail.html }),
  };
}

/**
 * Replaces every secret in a text: a secret URL (a webhook URL that is its own credential) keeps
 * its origin and loses the rest, and its path and query values are replaced wherever they appear
 * alone (adapters add parameters to such URLs); any other secret becomes `•••`, raw or URL-encoded.
 */
export function redactor(secrets: Record<string, unknown>): (text: string) => string {
  const replacements: Array<[string, string]> = [];
  const add = (secret: string, shown: string) => {
    if (secret.length < 4) return;
    replacements.push([secret, shown]);
    if (encodeURIComponent(secret) !== secret) replacements.push([encodeURIComponent(secret), shown]);
  };
  for (const secret of leaves(secrets)) {
    const url = URL.canParse(secret) ? new URL(secret) : null;
    if (!url || !/^https?:$/.test(url.protocol)) {
      add(secret, REDACTED);
      continue;
    }
    for (const form of [secret, url.href]) add(form, `${url.origin}/${REDACTED}`);
    add(url.pathname, `/${REDACTED}`);
    for (const value of url.searchParams.values()) add(value, REDACTED);
  }
  replacements.sort((a, b) => b[0].length - a[0].length);
  return (text) => replacements.reduce((out, [secret, shown]) => out.split(secret).join(shown), text);
}

/** A request with secrets redacted; a URL on a secret URL's origin keeps only that origin. */
function redactRequest(request: PreviewRequest, redact: (text: string) => string): PreviewRequest {
  return {
    ...request,
    url: redact(request.url),
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, redact(v)])),
    body: redact(request.body),
    ...(request.html === undefined ? {} : { html: redact(request.html) }),
  };
}

/** Every string inside a JSON value. */
function leaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [];
}
