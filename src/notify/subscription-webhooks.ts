import { decryptSecret } from "../lib/keys.ts";
import type { Runtime } from "../services/context.ts";
import type { ClaimedNotice } from "../services/status-subscriptions/notices.ts";
import { signWebhook } from "./channels/webhook.ts";
import { judgeHttp, networkFailure, type Outbound } from "./outbound.ts";

/** Event types of status page webhooks (docs/status-pages.md, "Webhook subscriptions"). */
const EVENT_TYPES: Record<string, string> = {
  published: "status_incident.published",
  updated: "status_incident.updated",
  resolved: "status_incident.resolved",
};

/** The JSON a webhook subscription receives for one notice. */
export function webhookNoticePayload(rt: Runtime, notice: ClaimedNotice, at: Date): Record<string, unknown> {
  const c = notice.content;
  return {
    type: EVENT_TYPES[notice.event] ?? "status_incident.updated",
    timestamp: at.toISOString(),
    data: {
      page: {
        id: notice.pageId,
        slug: c.pageSlug,
        title: c.pageTitle,
        url: `${rt.auth.publicUrl}/status/${encodeURIComponent(c.pageSlug)}`,
      },
      incident: {
        id: notice.incidentId,
        kind: c.kind,
        title: c.title,
        status: c.status,
        impact: c.impact,
        update: c.body,
      },
    },
  };
}

/**
 * POSTs a notice to its webhook, signed per Standard Webhooks (`webhook-id` = the notice id, the
 * same on every retry), through the SSRF-safe outbound client. Returns undefined when it was
 * taken, else the error and whether retrying can help (not after a 4xx other than 429).
 */
export async function sendWebhookNotice(
  rt: Runtime,
  http: Outbound,
  notice: ClaimedNotice,
  timeoutMs: number,
): Promise<{ error: string; final: boolean } | undefined> {
  if (notice.target.kind !== "webhook") return { error: "not a webhook notice", final: true };
  let secret: string;
  try {
    secret = decryptSecret(rt.keys.encryption, notice.target.sealedSecret);
  } catch {
    return {
      error: "cannot read the webhook's secret: is SECRET_KEY the same in every process?",
      final: true,
    };
  }
  const now = new Date(rt.clock.now());
  const body = JSON.stringify(webhookNoticePayload(rt, notice, now));
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const res = await http.request(notice.target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": notice.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(secret, notice.id, timestamp, body),
      },
      body,
      timeoutMs,
    });
    const outcome = judgeHttp(res);
    return outcome.ok ? undefined : { error: outcome.error, final: !outcome.retryable };
  } catch (err) {
    const outcome = networkFailure(err);
    return outcome.ok ? undefined : { error: outcome.error, final: !outcome.retryable };
  }
}
