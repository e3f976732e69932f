/**
 * Google Chat through an incoming webhook (https://developers.google.com/workspace/chat/quickstart/webhooks):
 * `POST` the webhook URL (`…/spaces/<id>/messages?key=…&token=…`) with a `cardsV2` card and a
 * plain `fallbackText` for notifications. The thread key is the monitor id, given both as the
 * `threadKey` query parameter and as `thread.threadKey`, with
 * `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`, so the down and the up of one monitor
 * land in one thread. Card text is Google's HTML subset: user text is HTML-escaped.
 */
import { z } from "zod";
import { escapeHtml } from "../../lib/html.ts";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, EVENT_COLOURS, field, HttpUrl, noMentions, oneLine, parseJson, safeLinks } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const GoogleChatConfig = z.strictObject({});
export type GoogleChatConfig = z.infer<typeof GoogleChatConfig>;

export const GoogleChatSecrets = z.strictObject({
  /** The space's webhook URL; its `key` and `token` query parameters are the credential. */
  webhookUrl: HttpUrl,
});
export type GoogleChatSecrets = z.infer<typeof GoogleChatSecrets>;

const MAX_LINE = 1000;
const MAX_TEXT = 10_000;
const REPLY_OPTION = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";

/** The webhook URL with the monitor's thread key and the reply option set (any earlier values replaced). */
function googleChatUrl(webhookUrl: string, monitorId: string): string {
  const url = new URL(webhookUrl);
  url.searchParams.set("threadKey", monitorId);
  url.searchParams.set("messageReplyOption", REPLY_OPTION);
  return url.href;
}

function hexColour(event: AlertMessage["event"]): string {
  return `#${EVENT_COLOURS[event].toString(16).padStart(6, "0")}`;
}

/** The card's text: the state in its colour and the facts, in Google's HTML subset. */
function defaultCardText(message: AlertMessage): string {
  const facts = summaryLines(message).map((line) => escapeHtml(clip(oneLine(line), MAX_LINE)));
  const status = `<font color="${hexColour(message.event)}"><b>${escapeHtml(message.state.toUpperCase())}</b></font>`;
  return [status, ...facts].join("<br>");
}

/**
 * The message body: one card with the title as header, the facts, and the links as buttons. A
 * custom template gives the header title and the card's text (HTML); the buttons stay.
 */
function googleChatBody(message: AlertMessage, template?: MessageTemplate) {
  const title = customTitle(message, template, "plain", 200) ?? clip(oneLine(titleOf(message)), 200);
  const text = customText(message, template, "html-chat", MAX_TEXT, "<br>") ?? defaultCardText(message);
  const widgets: unknown[] = [{ textParagraph: { text } }];
  const buttons = safeLinks(linksOf(message)).map(({ label, url }) => ({
    text: label,
    onClick: { openLink: { url } },
  }));
  if (buttons.length > 0) widgets.push({ buttonList: { buttons } });
  return {
    fallbackText: noMentions(title),
    thread: { threadKey: message.monitor.id },
    cardsV2: [
      {
        cardId: `upblit-${message.notificationId}`,
        card: {
          header: { title, subtitle: clip(oneLine(message.organization.name), 200) },
          sections: [{ widgets }],
        },
      },
    ],
  };
}

/** Google APIs explain a refusal in `{ error: { code, message, status } }`. */
function judgeGoogleChat(res: OutboundResponse): SendOutcome {
  const judged = judgeHttp(res);
  if (judged.ok) return judged;
  const error = field(parseJson(res.body), "error");
  const status = field(error, "status");
  const text = field(error, "message");
  if (typeof text !== "string") return judged;
  const prefix = typeof status === "string" ? `${status}: ` : "";
  return { ...judged, error: `Google Chat ${res.statusCode}: ${prefix}${text.slice(0, 200)}` };
}

export const googlechatChannel: ChannelAdapter<GoogleChatConfig, GoogleChatSecrets> = {
  kind: "googlechat",
  label: "Google Chat",
  config: GoogleChatConfig,
  secrets: GoogleChatSecrets,
  dials: [{ in: "secrets", key: "webhookUrl" }],
  send(message, ctx) {
    const url = googleChatUrl(ctx.secrets.webhookUrl, message.monitor.id);
    return sendJson(ctx, url, googleChatBody(message, ctx.template), { judge: judgeGoogleChat });
  },
};
