/**
 * PagerDuty Events API v2: `POST {apiUrl}/v2/enqueue`. A down or degraded monitor triggers an
 * alert, recovery resolves it, an acknowledgement in Upblit acknowledges it; all carry the incident
 * id as `dedup_key`, so a re-sent trigger, a reminder or an escalation merges into the open alert
 * and the resolve closes exactly that one. A certificate warning triggers its own alert (keyed per
 * monitor and certificate). Drills and test-sends use a `drill-` key so they never touch a real
 * incident. PagerDuty answers 202 `{status, dedup_key}`.
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, field, HttpUrl, joinUrl, linkUrl, parseJson } from "./format.ts";
import { pagingKeyOf } from "./paging-keys.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { durationText, linksOf, summaryLines, titleOf } from "./wording.ts";

export const PagerDutyConfig = z.strictObject({
  apiUrl: HttpUrl.default("https://events.pagerduty.com"),
});
export type PagerDutyConfig = z.infer<typeof PagerDutyConfig>;

export const PagerDutySecrets = z.strictObject({
  /** The integration key of an Events API v2 integration (32 characters; ruleset keys start with R). */
  routingKey: z.string().regex(/^[A-Za-z0-9]{20,64}$/, "must be an Events API v2 integration key"),
});
export type PagerDutySecrets = z.infer<typeof PagerDutySecrets>;

/** PagerDuty asks for a back-off of minutes on 429 and sends no Retry-After. */
const RATE_LIMIT_WAIT_MS = 60_000;

/**
 * The key that ties a trigger to its acknowledge and resolve: the incident, else the monitor; a
 * certificate's own for certificate warnings; `drill-` for drills and tests (paging-keys.ts).
 */
export function dedupKeyOf(message: AlertMessage): string {
  return pagingKeyOf(message, 255);
}

/** A reminder re-triggers an incident that is still down, so it keeps the alert critical. */
function severityOf(message: AlertMessage): "critical" | "warning" | "info" {
  if (message.event === "down" || message.event === "reminder") return "critical";
  if (message.event === "degraded" || message.event === "certificate") return "warning";
  return "info";
}

/** The facts of follow-up triggers for `custom_details`, present only on their event (an acknowledge has no details). */
function followUpDetails(message: AlertMessage): Record<string, unknown> {
  const { certificate, reminder, escalation } = message;
  return {
    ...(certificate && {
      certificate_days_left: certificate.daysLeft,
      certificate_expires: certificate.notAfter,
      certificate_subject: certificate.subject ?? null,
      certificate_threshold_days: certificate.threshold,
    }),
    ...(reminder && { reminder: reminder.count, down_for: durationText(reminder.downForMs) }),
    ...(escalation && {
      escalation_level: escalation.level,
      escalation_after_minutes: escalation.afterMinutes,
    }),
  };
}

/**
 * The Events API v2 body: a full trigger event, or the short resolve and acknowledge events the
 * API documents. A custom template gives the summary (its title) and `custom_details.message`.
 */
export function pagerDutyEvent(
  message: AlertMessage,
  routingKey: string,
  template?: MessageTemplate,
): Record<string, unknown> {
  const dedupKey = dedupKeyOf(message);
  const monitorUrl = linkUrl(message.monitorUrl);
  if (message.event === "up" || message.event === "acknowledged") {
    const action = message.event === "up" ? "resolve" : "acknowledge";
    return { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
  }
  const summary =
    customTitle(message, template, "plain", 1024) ??
    [titleOf(message), message.cause].filter(Boolean).join(": ");
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: clip(summary, 1024),
      source: clip(message.monitor.target, 1024),
      severity: severityOf(message),
      timestamp: message.since,
      component: clip(message.monitor.name, 1024),
      group: clip(message.organization.name, 1024),
      class: message.monitor.type,
      custom_details: {
        message: customText(message, template, "plain", 10_000) ?? summaryLines(message).join("\n"),
        monitor: message.monitor.name,
        monitor_id: message.monitor.id,
        state: message.state,
        previous_state: message.previousState,
        since: message.since,
        cause: message.cause,
        incident_id: message.incident?.id ?? null,
        drill: message.drill,
        ...followUpDetails(message),
      },
    },
    links: linksOf(message).flatMap(({ label, url }) => {
      const href = linkUrl(url);
      return href ? [{ href, text: label }] : [];
    }),
    client: "Upblit",
    ...(monitorUrl ? { client_url: monitorUrl } : {}),
  };
}

/** 202 is success; PagerDuty's own `message`/`errors` make a 400 readable; a 429 waits a minute at least. */
function judgePagerDuty(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const judged = judgeHttp(res);
  if (judged.ok) {
    const key = field(json, "dedup_key");
    return typeof key === "string" ? { ...judged, detail: `dedup_key ${key}` } : judged;
  }
  const outcome = { ...judged };
  const errors = field(json, "errors");
  const message = field(json, "message");
  if (typeof message === "string") {
    const list = Array.isArray(errors) ? errors.filter((e) => typeof e === "string").join("; ") : "";
    outcome.error = `PagerDuty ${res.statusCode}: ${message}${list ? ` (${list})` : ""}`;
  }
  if (res.statusCode === 429) outcome.retryAfterMs = judged.retryAfterMs ?? RATE_LIMIT_WAIT_MS;
  return outcome;
}

export const pagerDutyChannel: ChannelAdapter<PagerDutyConfig, PagerDutySecrets> = {
  kind: "pagerduty",
  label: "PagerDuty",
  config: PagerDutyConfig,
  secrets: PagerDutySecrets,
  dials: [{ in: "config", key: "apiUrl" }],
  async send(message, ctx) {
    return sendJson(
      ctx,
      joinUrl(ctx.config.apiUrl, "/v2/enqueue"),
      pagerDutyEvent(message, ctx.secrets.routingKey, ctx.template),
      { judge: judgePagerDuty },
    );
  },
};
