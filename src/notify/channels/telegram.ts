/**
 * Telegram through the Bot API: `POST {apiUrl}/bot<token>/sendMessage` with a JSON body and
 * `parse_mode: "HTML"`. Every user-controlled text is HTML-escaped; links are http(s) only.
 * Telegram answers `{ok: true, result}`, or `{ok: false, description, parameters.retry_after}`.
 */
import { z } from "zod";
import { escapeHtml } from "../../lib/html.ts";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, field, HttpUrl, joinUrl, linkUrl, parseJson } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const TelegramConfig = z.strictObject({
  /** A numeric chat id (`-1001234567890` for a group) or `@channelusername`. */
  chatId: z
    .string()
    .regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, "must be a numeric chat id or @channelusername"),
  /** The topic of a forum group to post in. */
  messageThreadId: z.number().int().positive().max(2_147_483_647).optional(),
  apiUrl: HttpUrl.default("https://api.telegram.org"),
});
export type TelegramConfig = z.infer<typeof TelegramConfig>;

export const TelegramSecrets = z.strictObject({
  /** The token @BotFather gives, `123456789:AA…`; it goes into the URL path, so its shape is strict. */
  botToken: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, "must look like 123456789:AAE…"),
});
export type TelegramSecrets = z.infer<typeof TelegramSecrets>;

/** Lines are clipped so the whole text stays under Telegram's 4096 characters. */
const MAX_LINE = 600;

/** Telegram refuses texts over 4096 characters. */
const MAX_TEXT = 4096;

/**
 * The message text in Telegram's HTML dialect: bold title, the facts, then the links; or the bold
 * title and the text of a custom template (its own HTML kept, values escaped).
 */
export function telegramText(message: AlertMessage, template?: MessageTemplate): string {
  const title =
    customTitle(message, template, "html-chat", MAX_LINE) ?? escapeHtml(clip(titleOf(message), MAX_LINE));
  const custom = customText(message, template, "html-chat", MAX_TEXT - title.length - 9);
  if (custom !== undefined) return `<b>${title}</b>\n\n${custom}`;
  const lines = summaryLines(message).map((line) => escapeHtml(clip(line, MAX_LINE)));
  const links = linksOf(message).flatMap(({ label, url }) => {
    const href = linkUrl(url);
    return href ? [`<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`] : [];
  });
  const parts = [`<b>${title}</b>`, lines.join("\n")];
  if (links.length > 0) parts.push(links.join(" · "));
  return parts.join("\n\n");
}

/** Telegram's own verdict is in the body: `ok: false` fails even on a 200, `retry_after` says when to retry. */
function judgeTelegram(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const description = field(json, "description");
  const judged = judgeHttp(res);
  if (judged.ok) {
    if (field(json, "ok") === true) {
      const id = field(field(json, "result"), "message_id");
      return { ok: true, statusCode: res.statusCode, detail: `message_id ${String(id)}` };
    }
    const why = typeof description === "string" ? description : "the answer has no ok: true";
    return { ok: false, retryable: false, statusCode: res.statusCode, error: `Telegram refused: ${why}` };
  }
  const parameters = field(json, "parameters");
  const retryAfter = field(parameters, "retry_after");
  const migrateTo = field(parameters, "migrate_to_chat_id");
  const outcome = { ...judged };
  if (typeof description === "string") {
    outcome.error = `Telegram ${res.statusCode}: ${description}`;
    if (migrateTo !== undefined) outcome.error += ` (the group moved: use chat id ${String(migrateTo)})`;
  }
  if (typeof retryAfter === "number" && retryAfter >= 0) outcome.retryAfterMs = retryAfter * 1000;
  return outcome;
}

/** The bot token is in the request URL: keep it out of any error text that gets recorded. */
function withoutToken(outcome: SendOutcome, token: string): SendOutcome {
  return outcome.ok ? outcome : { ...outcome, error: outcome.error.split(token).join("<bot token>") };
}

export const telegramChannel: ChannelAdapter<TelegramConfig, TelegramSecrets> = {
  kind: "telegram",
  label: "Telegram",
  config: TelegramConfig,
  secrets: TelegramSecrets,
  dials: [{ in: "config", key: "apiUrl" }],
  async send(message, ctx) {
    const { config, secrets } = ctx;
    const body = {
      chat_id: config.chatId,
      ...(config.messageThreadId === undefined ? {} : { message_thread_id: config.messageThreadId }),
      text: telegramText(message, ctx.template),
      parse_mode: "HTML",
      // The older flag for Bot API servers before 7.0, and its replacement.
      disable_web_page_preview: true,
      link_preview_options: { is_disabled: true },
    };
    const url = joinUrl(config.apiUrl, `/bot${secrets.botToken}/sendMessage`);
    return withoutToken(await sendJson(ctx, url, body, { judge: judgeTelegram }), secrets.botToken);
  },
};
