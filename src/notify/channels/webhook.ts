/**
 * The generic webhook: a documented JSON body, signed per the Standard Webhooks specification
 * (https://www.standardwebhooks.com/) so receivers can verify it with any of its libraries.
 * The payload is documented in docs/channels-webhook-email.md; change both together.
 */
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import { judgeHttp, networkFailure } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { HttpUrl } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter } from "./types.ts";
import { summaryLines, titleOf } from "./wording.ts";

const SECRET_PREFIX = "whsec_";
const MAX_EXTRA_HEADERS = 10;
/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Hop-by-hop, framing and our own names, and names that carry credentials (config is not encrypted). */
const REFUSED_HEADER =
  /^(host|user-agent|content-length|content-type|transfer-encoding|connection|keep-alive|upgrade|te|trailer|expect|authorization|proxy-.*|cookie|set-cookie|webhook-.*|upblit-.*|x-api-key|api-key|.*(secret|token|password|apikey|api_key).*)$/i;

const ExtraHeaders = z
  .record(
    z.string(),
    z
      .string()
      .max(1024)
      .regex(/^\P{Cc}*$/u, "control characters are not allowed in a header value"),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_EXTRA_HEADERS)
      ctx.addIssue({ code: "custom", message: `at most ${MAX_EXTRA_HEADERS} extra headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(name))
        ctx.addIssue({ code: "custom", path: [name], message: "not a valid HTTP header name" });
      else if (REFUSED_HEADER.test(name))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "this header is set by Upblit or carries credentials; verify the signature instead",
        });
      if (seen.has(lower)) ctx.addIssue({ code: "custom", path: [name], message: "header given twice" });
      seen.add(lower);
    }
  });

export const WebhookConfig = z.strictObject({
  url: HttpUrl,
  headers: ExtraHeaders.optional(),
  /** The payload format the receiver expects; only "1" exists today. */
  payloadVersion: z.literal("1").optional(),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export const WebhookSecrets = z.strictObject({
  signingSecret: z
    .string()
    .max(100)
    .refine(
      isSigningSecret,
      "a Standard Webhooks secret: whsec_ followed by base64 of 24 to 64 random bytes",
    ),
});
export type WebhookSecrets = z.infer<typeof WebhookSecrets>;

function isSigningSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const b64 = value.slice(SECRET_PREFIX.length);
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const bytes = Buffer.from(b64, "base64").length;
  return bytes >= 24 && bytes <= 64;
}

/** A fresh signing secret (32 random bytes) for a webhook channel created without one. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/**
 * The `webhook-signature` value: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`,
 * keyed with the bytes the secret encodes after `whsec_`.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`, "utf8").digest("base64");
  return `v1,${mac}`;
}

const EVENT_TYPES: Record<AlertMessage["event"], string> = {
  down: "monitor.down",
  up: "monitor.up",
  degraded: "monitor.degraded",
  certificate: "certificate.expiring",
  reminder: "incident.reminder",
  acknowledged: "incident.acknowledged",
  test: "test",
};

/** A custom text is cut at this length (the payload stays small). */
const MAX_TEXT = 20_000;

/**
 * With a custom template the payload also carries the rendered `title` and `text` (plain text,
 * the default wording for a part the template leaves out), for receivers that show text as is.
 */
function renderedText(message: AlertMessage, template: MessageTemplate | undefined) {
  if (!template) return {};
  return {
    title: customTitle(message, template, "plain", 250) ?? titleOf(message),
    text: customText(message, template, "plain", MAX_TEXT) ?? summaryLines(message).join("\n"),
  };
}

/**
 * Payload version 1. Fields are copied one by one so a field added to AlertMessage later does not
 * leak into receivers' payloads unannounced. `timestamp` is when the event happened (stable across
 * retries); the attempt's time is the `webhook-timestamp` header.
 */
function webhookPayload(message: AlertMessage, template?: MessageTemplate) {
  return {
    type: EVENT_TYPES[message.event],
    timestamp: message.since,
    data: {
      notificationId: message.notificationId,
      drill: message.drill,
      organization: { id: message.organization.id, name: message.organization.name },
      monitor: {
        id: message.monitor.id,
        name: message.monitor.name,
        type: message.monitor.type,
        target: message.monitor.target,
      },
      state: message.state,
      previousState: message.previousState,
      since: message.since,
      incident: message.incident && {
        id: message.incident.id,
        startedAt: message.incident.startedAt,
        resolvedAt: message.incident.resolvedAt,
        durationMs: message.incident.durationMs,
      },
      cause: message.cause,
      runbookUrl: message.runbookUrl,
      acknowledgeUrl: message.acknowledgeUrl,
      monitorUrl: message.monitorUrl,
      incidentUrl: message.incidentUrl ?? null,
      // Only when the channel has a custom template (docs/templates.md).
      ...renderedText(message, template),
      ...followUpFields(message),
    },
  };
}

/**
 * The facts only some events have, each present only on its event (and copied field by field,
 * like the rest): `certificate` on `certificate.expiring`, `reminder` on `incident.reminder`,
 * `escalation` on an escalated `monitor.down`, `acknowledgement` on `incident.acknowledged`.
 */
function followUpFields(message: AlertMessage) {
  const { certificate, reminder, escalation, acknowledgement } = message;
  return {
    ...(certificate && {
      certificate: {
        daysLeft: certificate.daysLeft,
        notAfter: certificate.notAfter,
        subject: certificate.subject ?? null,
        threshold: certificate.threshold,
      },
    }),
    ...(reminder && { reminder: { count: reminder.count, downForMs: reminder.downForMs } }),
    ...(escalation && { escalation: { level: escalation.level, afterMinutes: escalation.afterMinutes } }),
    ...(acknowledgement && {
      acknowledgement: { by: acknowledgement.by, at: acknowledgement.at, note: acknowledgement.note },
    }),
  };
}

export const webhookChannel: ChannelAdapter<WebhookConfig, WebhookSecrets> = {
  kind: "webhook",
  label: "Webhook (Standard Webhooks, signed JSON)",
  config: WebhookConfig,
  secrets: WebhookSecrets,
  dials: [{ in: "config", key: "url" }],
  generateSecrets(given): Record<string, string> {
    return given.signingSecret === undefined ? { signingSecret: generateWebhookSecret() } : {};
  },
  async send(message, ctx) {
    const body = JSON.stringify(webhookPayload(message, ctx.template));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      ...ctx.config.headers,
      "content-type": "application/json",
      "upblit-payload-version": ctx.config.payloadVersion ?? "1",
      "webhook-id": message.notificationId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook(ctx.secrets.signingSecret, message.notificationId, timestamp, body),
    };
    try {
      const res = await ctx.http.request(ctx.config.url, {
        method: "POST",
        headers,
        body,
        timeoutMs: ctx.timeoutMs,
      });
      return judgeHttp(res);
    } catch (err) {
      return networkFailure(err);
    }
  },
};
