/**
 * Pushover Message API: `POST {apiUrl}/1/messages.json` with a JSON body carrying the
 * application token and the user (or group) key. The message uses Pushover's HTML subset
 * (`html: 1`), so user text is HTML-escaped. Pushover answers `{status: 1, request}`, or a 4xx
 * with `{status: 0, errors: […]}`; a body without `status: 1` is never taken as delivered.
 */
import { z } from "zod";
import { escapeHtml } from "../../lib/html.ts";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, field, HttpUrl, joinUrl, linkUrl, oneLine, parseJson } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { summaryLines, titleOf } from "./wording.ts";

/** Pushover tokens and keys are 30 characters of [A-Za-z0-9]. */
const PushoverKey = z.string().regex(/^[A-Za-z0-9]{30}$/, "must be 30 letters and digits");

export const PushoverConfig = z.strictObject({
  apiUrl: HttpUrl.default("https://api.pushover.net"),
  /** Send only to these devices of the user (comma-separated names); all devices when unset. */
  device: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,25}(,[A-Za-z0-9_-]{1,25}){0,9}$/, "must be device names separated by commas")
    .optional(),
});
export type PushoverConfig = z.infer<typeof PushoverConfig>;

export const PushoverSecrets = z.strictObject({
  /** The API token of the application registered at pushover.net. */
  appToken: PushoverKey,
  /** The user key, or a group key. */
  userKey: PushoverKey,
});
export type PushoverSecrets = z.infer<typeof PushoverSecrets>;

/** Pushover's documented limits. */
const MAX_MESSAGE = 1024;
const MAX_TITLE = 250;
const MAX_URL = 512;
/** Links longer than this are left out of the message body so the facts keep their room. */
const MAX_BODY_LINK = 300;

/** The supplementary URL button: acknowledge while there is something to acknowledge, else the monitor. */
function supplementaryLink(message: AlertMessage): { url: string; url_title: string } | null {
  const ack = message.acknowledgeUrl ? linkUrl(message.acknowledgeUrl) : null;
  if (ack && ack.length <= MAX_URL) return { url: ack, url_title: "Acknowledge" };
  const monitor = linkUrl(message.monitorUrl);
  return monitor && monitor.length <= MAX_URL ? { url: monitor, url_title: "Open monitor" } : null;
}

/**
 * The HTML message: the facts, then the links not already on the URL button. Escaping can grow
 * a line, so lines are clipped ever shorter until the whole fits in 1024 characters.
 */
export function pushoverHtml(message: AlertMessage): string {
  const button = supplementaryLink(message)?.url;
  const candidates = [
    { label: "Open monitor", url: message.monitorUrl },
    { label: "Runbook", url: message.runbookUrl },
  ];
  const links = candidates.flatMap(({ label, url }) => {
    const href = url ? linkUrl(url) : null;
    return href && href !== button && href.length <= MAX_BODY_LINK
      ? [`<a href="${escapeHtml(href)}">${label}</a>`]
      : [];
  });
  const tail = links.length > 0 ? `\n\n${links.join(" · ")}` : "";
  const lines = summaryLines(message);
  for (let limit = MAX_MESSAGE; ; limit = Math.floor(limit / 2)) {
    const html = lines.map((line) => escapeHtml(clip(line, Math.max(limit, 1)))).join("\n") + tail;
    if (html.length <= MAX_MESSAGE || limit <= 1) return html;
  }
}

/** The JSON body of the Message API; a custom template gives the title and the message (HTML). */
export function pushoverBody(
  message: AlertMessage,
  config: PushoverConfig,
  secrets: PushoverSecrets,
  template?: MessageTemplate,
) {
  const since = Date.parse(message.since);
  return {
    token: secrets.appToken,
    user: secrets.userKey,
    ...(config.device ? { device: config.device } : {}),
    title: customTitle(message, template, "plain", MAX_TITLE) ?? clip(oneLine(titleOf(message)), MAX_TITLE),
    message: customText(message, template, "html", MAX_MESSAGE) ?? pushoverHtml(message),
    html: 1,
    // 1 = high: bypasses the user's quiet hours. Emergency (2) would need retry/expire receipts.
    priority: message.event === "down" ? 1 : 0,
    ...(supplementaryLink(message) ?? {}),
    ...(Number.isNaN(since) ? {} : { timestamp: Math.floor(since / 1000) }),
  };
}

/** Pushover's verdict is `status: 1`; its `errors` list explains a refusal. */
function judgePushover(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const judged = judgeHttp(res);
  const errors = field(json, "errors");
  const why = Array.isArray(errors) ? errors.filter((e) => typeof e === "string").join("; ") : "";
  if (judged.ok) {
    if (field(json, "status") === 1) {
      const request = field(json, "request");
      return typeof request === "string" ? { ...judged, detail: `request ${request}` } : judged;
    }
    return {
      ok: false,
      retryable: false,
      statusCode: res.statusCode,
      error: `Pushover refused: ${why || "the answer has no status: 1"}`,
    };
  }
  return why ? { ...judged, error: `Pushover ${res.statusCode}: ${why}` } : judged;
}

export const pushoverChannel: ChannelAdapter<PushoverConfig, PushoverSecrets> = {
  kind: "pushover",
  label: "Pushover",
  config: PushoverConfig,
  secrets: PushoverSecrets,
  dials: [{ in: "config", key: "apiUrl" }],
  async send(message, ctx) {
    return sendJson(
      ctx,
      joinUrl(ctx.config.apiUrl, "/1/messages.json"),
      pushoverBody(message, ctx.config, ctx.secrets, ctx.template),
      { judge: judgePushover },
    );
  },
};
