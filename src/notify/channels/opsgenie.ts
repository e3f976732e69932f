/**
 * Opsgenie Alert API v2 with an API integration key (`Authorization: GenieKey <key>`). A down,
 * degraded, reminder or test message creates an alert (`POST /v2/alerts`) whose `alias` is the
 * incident id, so a re-send, reminder or escalation only bumps the open alert's count; recovery
 * closes it and an acknowledgement in Upblit acknowledges it by that alias
 * (`POST /v2/alerts/{alias}/close|acknowledge?identifierType=alias`). A certificate warning creates
 * its own alert (alias per monitor and certificate). Drills and tests use a `drill-` alias.
 * Opsgenie processes requests asynchronously and answers 202 `{result, took, requestId}`.
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, field, HttpUrl, joinUrl, linkUrl, oneLine, parseJson } from "./format.ts";
import { pagingKeyOf } from "./paging-keys.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const OpsgenieConfig = z.strictObject({
  /** `https://api.eu.opsgenie.com` for accounts in the EU region. */
  apiUrl: HttpUrl.default("https://api.opsgenie.com"),
  /** Extra tags on every alert of this channel (Opsgenie allows 20 of at most 50 characters). */
  tags: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(50)
        .regex(/^[^,\s][^,]*$/, "must not contain commas"),
    )
    .max(10)
    .optional(),
});
export type OpsgenieConfig = z.infer<typeof OpsgenieConfig>;

export const OpsgenieSecrets = z.strictObject({
  /** The API key of an "API" integration (account-level keys cannot create alerts). */
  apiKey: z.string().regex(/^[A-Za-z0-9-]{8,128}$/, "must be an Opsgenie integration API key"),
});
export type OpsgenieSecrets = z.infer<typeof OpsgenieSecrets>;

/** Opsgenie limits `details` to 8000 characters in all; eleven values of this size stay under it. */
const MAX_DETAIL = 600;
/** Opsgenie's limit for an alert's description. */
const MAX_DESCRIPTION = 15_000;

/**
 * The alias that ties create, acknowledge and close together: the incident, else the monitor; a
 * certificate's own for certificate warnings; `drill-` for drills and tests (paging-keys.ts).
 */
export function aliasOf(message: AlertMessage): string {
  return pagingKeyOf(message, 512);
}

/** A certificate this close to expiry (or expired) is P3, else P4. */
const CERTIFICATE_URGENT_DAYS = 7;

function priorityOf(message: AlertMessage): "P1" | "P3" | "P4" | "P5" {
  if (message.event === "down" || message.event === "reminder") return "P1";
  if (message.event === "degraded") return "P3";
  if (message.event === "certificate") {
    const daysLeft = message.certificate?.daysLeft ?? 0;
    return daysLeft <= CERTIFICATE_URGENT_DAYS ? "P3" : "P4";
  }
  return "P5";
}

/** The facts, then one labelled link per line: Opsgenie shows the description as plain text. */
function descriptionOf(message: AlertMessage, template?: MessageTemplate): string {
  const custom = customText(message, template, "plain", MAX_DESCRIPTION);
  if (custom !== undefined) return custom;
  const links = linksOf(message).flatMap(({ label, url }) => {
    const href = linkUrl(url);
    return href ? [`${label}: ${href}`] : [];
  });
  return clip([...summaryLines(message), "", ...links].join("\n"), MAX_DESCRIPTION);
}

/** Custom properties of the alert: strings only, nulls left out. */
function detailsOf(message: AlertMessage): Record<string, string> {
  const details: Record<string, string | null> = {
    monitor: message.monitor.name,
    monitorId: message.monitor.id,
    target: message.monitor.target,
    state: message.state,
    previousState: message.previousState,
    since: message.since,
    cause: message.cause,
    incidentId: message.incident?.id ?? null,
    organization: message.organization.name,
    monitorUrl: linkUrl(message.monitorUrl),
    runbookUrl: message.runbookUrl ? linkUrl(message.runbookUrl) : null,
    ...followUpDetails(message),
  };
  return Object.fromEntries(
    Object.entries(details).flatMap(([k, v]) => (v === null ? [] : [[k, clip(v, MAX_DETAIL)]])),
  );
}

/** The facts of follow-up events, as strings, present only on their event. */
function followUpDetails(message: AlertMessage): Record<string, string | null> {
  const { certificate, reminder, escalation } = message;
  return {
    ...(certificate && {
      certificateDaysLeft: String(certificate.daysLeft),
      certificateExpires: certificate.notAfter,
      certificateSubject: certificate.subject ?? null,
    }),
    ...(reminder && { reminder: String(reminder.count) }),
    ...(escalation && { escalationLevel: String(escalation.level) }),
  };
}

/**
 * The create-alert body as the Alert API documents it, each field within its limit. A custom
 * template gives the alert's message (its title) and description (its text).
 */
export function opsgenieAlert(
  message: AlertMessage,
  extraTags: string[] = [],
  template?: MessageTemplate,
): Record<string, unknown> {
  // A certificate warning is not about the monitor's state: it is tagged as what it is.
  const kind = message.event === "certificate" ? "certificate" : message.state;
  const tags = ["upblit", kind, ...(message.drill ? ["drill"] : []), ...extraTags];
  return {
    message: customTitle(message, template, "plain", 130) ?? clip(oneLine(titleOf(message)), 130),
    alias: aliasOf(message),
    description: descriptionOf(message, template),
    priority: priorityOf(message),
    tags: [...new Set(tags.map((t) => clip(t, 50)))].slice(0, 20),
    details: detailsOf(message),
    entity: clip(message.monitor.name, 512),
    source: "Upblit",
  };
}

/** Events that act on the incident's open alert instead of creating one. */
const ALERT_ACTIONS: Partial<Record<AlertMessage["event"], "close" | "acknowledge">> = {
  up: "close",
  acknowledged: "acknowledge",
};

/**
 * The body of close and acknowledge (`user`, `source`, `note` as the Alert API documents them): the
 * acknowledgement's author as `user` (Opsgenie allows 100 characters), the text as the note.
 */
function actionBody(message: AlertMessage, template?: MessageTemplate): Record<string, string> {
  return {
    source: "Upblit",
    user: clip(oneLine(message.acknowledgement?.by ?? "Upblit"), 100),
    note: customText(message, template, "plain", 25_000) ?? clip(summaryLines(message).join("\n"), 25_000),
  };
}

/** 202 is accepted (the outcome of the async processing is not awaited); Opsgenie's `message` explains a refusal. */
function judgeOpsgenie(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const judged = judgeHttp(res);
  if (judged.ok) {
    const requestId = field(json, "requestId");
    return typeof requestId === "string" ? { ...judged, detail: `requestId ${requestId}` } : judged;
  }
  const text = field(json, "message");
  if (typeof text !== "string") return judged;
  const errors = field(json, "errors");
  const list = errors && typeof errors === "object" ? ` ${JSON.stringify(errors).slice(0, 300)}` : "";
  return { ...judged, error: `Opsgenie ${res.statusCode}: ${text}${list}` };
}

export const opsgenieChannel: ChannelAdapter<OpsgenieConfig, OpsgenieSecrets> = {
  kind: "opsgenie",
  label: "Opsgenie",
  config: OpsgenieConfig,
  secrets: OpsgenieSecrets,
  dials: [{ in: "config", key: "apiUrl" }],
  async send(message, ctx) {
    const action = ALERT_ACTIONS[message.event];
    const path = action
      ? `/v2/alerts/${encodeURIComponent(aliasOf(message))}/${action}?identifierType=alias`
      : "/v2/alerts";
    const body = action
      ? actionBody(message, ctx.template)
      : opsgenieAlert(message, ctx.config.tags, ctx.template);
    return sendJson(ctx, joinUrl(ctx.config.apiUrl, path), body, {
      headers: { authorization: `GenieKey ${ctx.secrets.apiKey}` },
      judge: judgeOpsgenie,
    });
  },
};
