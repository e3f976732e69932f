/**
 * Matrix through the client-server API (https://spec.matrix.org/latest/client-server-api/):
 * `PUT {homeserver}/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}` with
 * `Authorization: Bearer <access token>` and an `m.text` event carrying a plain `body` and an
 * HTML `formatted_body`. The transaction id is the notification id, so a re-send after a crash
 * is the same event to the homeserver. `m.mentions: {}` says the event mentions nobody, so no
 * `@room` in user text can notify the room.
 */
import { z } from "zod";
import { escapeHtml } from "../../lib/html.ts";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, field, HttpUrl, noMentions, oneLine, parseJson, safeLinks } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const MatrixConfig = z.strictObject({
  /** The homeserver's client API base, e.g. `https://matrix.example.org` (a sub-path is kept). */
  homeserverUrl: HttpUrl,
  /** The room's id (`!abc123:example.org`), not an alias: Settings → Advanced in Element. */
  roomId: z
    .string()
    .max(255)
    .regex(/^![\x21-\x7e]+$/, "a room id like !abc123:example.org (not a #alias)"),
});
export type MatrixConfig = z.infer<typeof MatrixConfig>;

export const MatrixSecrets = z.strictObject({
  /** The access token of the account that posts (a bot user that has joined the room). */
  accessToken: z
    .string()
    .max(1024)
    .regex(/^[\x21-\x7e]+$/, "printable characters without spaces"),
});
export type MatrixSecrets = z.infer<typeof MatrixSecrets>;

const MAX_LINE = 1000;
const MAX_TEXT = 20_000;

/** The send-event URL: room id and transaction id percent-encoded as path segments. */
function matrixUrl(config: MatrixConfig, txnId: string): string {
  const base = config.homeserverUrl.replace(/\/+$/, "");
  const room = encodeURIComponent(config.roomId);
  return `${base}/_matrix/client/v3/rooms/${room}/send/m.room.message/${encodeURIComponent(txnId)}`;
}

/**
 * The `m.room.message` content: the same text as plain `body` and as escaped HTML. A custom
 * template gives the title and the text, rendered once per format.
 */
function matrixContent(message: AlertMessage, template?: MessageTemplate) {
  const title =
    customTitle(message, template, "plain-chat", 300) ?? noMentions(clip(oneLine(titleOf(message)), 300));
  const plain = customText(message, template, "plain-chat", MAX_TEXT);
  const html = customText(message, template, "html-chat", MAX_TEXT * 2, "<br>");
  if (plain !== undefined && html !== undefined) {
    return {
      msgtype: "m.text",
      body: `${title}\n${plain}`,
      format: "org.matrix.custom.html",
      formatted_body: `<p><strong>${escapeHtml(title)}</strong></p><p>${html}</p>`,
      "m.mentions": {},
    };
  }
  const lines = summaryLines(message).map((line) => noMentions(clip(oneLine(line), MAX_LINE)));
  const links = safeLinks(linksOf(message));
  const body = [title, ...lines, ...links.map(({ label, url }) => `${label}: ${url}`)].join("\n");
  const htmlLinks = links.map(({ label, url }) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`);
  const parts = [`<strong>${escapeHtml(title)}</strong>`, lines.map(escapeHtml).join("<br>")];
  if (htmlLinks.length > 0) parts.push(htmlLinks.join(" · "));
  return {
    msgtype: "m.text",
    body,
    format: "org.matrix.custom.html",
    formatted_body: parts.map((part) => `<p>${part}</p>`).join(""),
    "m.mentions": {},
  };
}

/** Matrix errors are `{ errcode, error }`; a 429 may say `retry_after_ms` instead of a Retry-After header. */
function judgeMatrix(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const judged = judgeHttp(res);
  if (judged.ok) {
    const eventId = field(json, "event_id");
    return typeof eventId === "string" ? { ...judged, detail: `event_id ${eventId}` } : judged;
  }
  const errcode = field(json, "errcode");
  const error = field(json, "error");
  const outcome = { ...judged };
  if (typeof errcode === "string")
    outcome.error = `Matrix ${res.statusCode}: ${errcode}${typeof error === "string" ? ` ${error.slice(0, 200)}` : ""}`;
  const retryAfterMs = field(json, "retry_after_ms");
  if (res.statusCode === 429 && outcome.retryAfterMs === undefined && typeof retryAfterMs === "number")
    outcome.retryAfterMs = Math.max(0, retryAfterMs);
  return outcome;
}

export const matrixChannel: ChannelAdapter<MatrixConfig, MatrixSecrets> = {
  kind: "matrix",
  label: "Matrix",
  config: MatrixConfig,
  secrets: MatrixSecrets,
  dials: [{ in: "config", key: "homeserverUrl" }],
  send(message, ctx) {
    return sendJson(
      ctx,
      matrixUrl(ctx.config, message.notificationId),
      matrixContent(message, ctx.template),
      {
        method: "PUT",
        headers: { authorization: `Bearer ${ctx.secrets.accessToken}` },
        judge: judgeMatrix,
      },
    );
  },
};
