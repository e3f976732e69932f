/**
 * ntfy, publishing as JSON: `POST {serverUrl}/` with `{topic, title, message, priority, tags,
 * click, actions}`, optionally with an access token (`Authorization: Bearer tk_…`). The message
 * is sent as plain text (no `markdown: true`), so names and causes need no escaping.
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, clipBytes, field, HttpUrl, joinUrl, linkUrl, oneLine, parseJson } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { summaryLines, titleOf } from "./wording.ts";

export const NtfyConfig = z.strictObject({
  /** The ntfy server; a self-hosted one may live under a sub-path. */
  serverUrl: HttpUrl.default("https://ntfy.sh"),
  /** ntfy's own topic rule; on a public server the topic name is the only secret, so pick a long one. */
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, "must be 1-64 letters, digits, - or _"),
});
export type NtfyConfig = z.infer<typeof NtfyConfig>;

export const NtfySecrets = z.strictObject({
  /** An access token (`tk_…`) for a protected topic. */
  accessToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be an ntfy access token")
    .optional(),
});
export type NtfySecrets = z.infer<typeof NtfySecrets>;

/** ntfy turns longer messages into attachments. */
const MAX_MESSAGE_BYTES = 4096;

const PRIORITY: Record<AlertMessage["event"], number> = {
  down: 5,
  reminder: 5,
  degraded: 4,
  certificate: 4,
  up: 3,
  acknowledged: 3,
  test: 3,
};
/** Tags that ntfy shows as emojis. */
const EMOJI: Record<AlertMessage["event"], string> = {
  down: "rotating_light",
  degraded: "warning",
  up: "white_check_mark",
  certificate: "lock",
  reminder: "rotating_light",
  acknowledged: "raised_hand",
  test: "test_tube",
};

/**
 * The JSON publish body, with the acknowledge and runbook links as "view" action buttons. A
 * custom template gives the title and the message (plain text).
 */
export function ntfyMessage(
  message: AlertMessage,
  topic: string,
  template?: MessageTemplate,
): Record<string, unknown> {
  const text = customText(message, template, "plain", MAX_MESSAGE_BYTES) ?? summaryLines(message).join("\n");
  const actions: Array<Record<string, unknown>> = [];
  const ack = message.acknowledgeUrl ? linkUrl(message.acknowledgeUrl) : null;
  if (ack) actions.push({ action: "view", label: "Acknowledge", url: ack, clear: true });
  const runbook = message.runbookUrl ? linkUrl(message.runbookUrl) : null;
  if (runbook) actions.push({ action: "view", label: "Runbook", url: runbook });
  const click = linkUrl(message.monitorUrl);
  return {
    topic,
    title: customTitle(message, template, "plain", 250) ?? clip(oneLine(titleOf(message)), 250),
    message: clipBytes(text, MAX_MESSAGE_BYTES),
    priority: PRIORITY[message.event],
    tags: message.drill ? [EMOJI[message.event], "drill"] : [EMOJI[message.event]],
    ...(click ? { click } : {}),
    ...(actions.length > 0 ? { actions } : {}),
  };
}

/** ntfy's error body `{code, http, error}` names the reason (forbidden, limit reached…). */
function judgeNtfy(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const judged = judgeHttp(res);
  if (judged.ok) {
    const id = field(json, "id");
    return typeof id === "string" ? { ...judged, detail: `message id ${id}` } : judged;
  }
  const error = field(json, "error");
  return typeof error === "string" ? { ...judged, error: `ntfy ${res.statusCode}: ${error}` } : judged;
}

export const ntfyChannel: ChannelAdapter<NtfyConfig, NtfySecrets> = {
  kind: "ntfy",
  label: "ntfy",
  config: NtfyConfig,
  secrets: NtfySecrets,
  dials: [{ in: "config", key: "serverUrl" }],
  async send(message, ctx) {
    const headers: Record<string, string> = {};
    if (ctx.secrets.accessToken) headers.authorization = `Bearer ${ctx.secrets.accessToken}`;
    return sendJson(
      ctx,
      joinUrl(ctx.config.serverUrl, "/"),
      ntfyMessage(message, ctx.config.topic, ctx.template),
      {
        headers,
        judge: judgeNtfy,
      },
    );
  },
};
