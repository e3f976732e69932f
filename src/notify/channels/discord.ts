/**
 * Discord through a channel webhook (Execute Webhook, https://discord.com/developers/docs/resources/webhook):
 * `POST` the webhook URL with `username`, a short `content`, one embed coloured by state, and
 * `allowed_mentions: { parse: [] }` so nothing in the message can ping anyone. User text is
 * markdown-escaped as well. Discord answers `204`; `429` carries `retry_after` (seconds) in JSON.
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import {
  clip,
  clipMarkdown,
  EVENT_COLOURS,
  escapeChatMarkdown,
  field,
  HttpUrl,
  parseJson,
  safeLink,
  safeLinks,
} from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const DiscordConfig = z.strictObject({});
export type DiscordConfig = z.infer<typeof DiscordConfig>;

export const DiscordSecrets = z.strictObject({
  /** `https://discord.com/api/webhooks/<id>/<token>`: the token is in the URL, so it is a secret. */
  webhookUrl: HttpUrl,
});
export type DiscordSecrets = z.infer<typeof DiscordSecrets>;

/** Embed limits: title 256, description 4096; a line is clipped before escaping so escapes stay whole. */
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 4096;
const MAX_LINE = 500;
/** JSON error codes meaning the webhook no longer exists: Unknown Webhook, Invalid Webhook Token. */
const GONE_CODES = new Set([10015, 50027]);

/** The facts and links in Discord markdown: the default description of the embed. */
function defaultDescription(message: AlertMessage): string {
  const lines = summaryLines(message).map((line) => escapeChatMarkdown(clip(line, MAX_LINE)));
  const links = safeLinks(linksOf(message)).map(({ label, url }) => `[${label}](${url})`);
  return [lines.join("\n"), links.join(" · ")].filter(Boolean).join("\n\n");
}

/** The Execute Webhook body; a custom template gives the title and the embed's description. */
function discordBody(message: AlertMessage, template?: MessageTemplate) {
  const title =
    customTitle(message, template, "markdown-chat", 200) ?? escapeChatMarkdown(clip(titleOf(message), 200));
  const description =
    customText(message, template, "markdown-chat", MAX_DESCRIPTION) ?? defaultDescription(message);
  const monitorUrl = safeLink(message.monitorUrl);
  return {
    username: "Upblit",
    content: title,
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: clipMarkdown(title, MAX_TITLE),
        ...(monitorUrl ? { url: monitorUrl } : {}),
        description: clipMarkdown(description, MAX_DESCRIPTION),
        color: EVENT_COLOURS[message.event],
        timestamp: message.since,
        footer: { text: clip(message.organization.name, 200) },
      },
    ],
  };
}

/** Discord's 429 says how long in its JSON (`retry_after`, seconds, fractional); gone webhooks disable the channel. */
function judgeDiscord(res: OutboundResponse): SendOutcome {
  const judged = judgeHttp(res);
  if (judged.ok) return judged;
  const json = parseJson(res.body);
  const text = field(json, "message");
  const code = field(json, "code");
  const outcome = { ...judged };
  if (typeof text === "string") outcome.error = `Discord ${res.statusCode}: ${text.slice(0, 200)}`;
  const retryAfter = field(json, "retry_after");
  if (res.statusCode === 429 && typeof retryAfter === "number" && retryAfter >= 0)
    outcome.retryAfterMs = Math.ceil(retryAfter * 1000);
  if (typeof code === "number" && GONE_CODES.has(code))
    return { ...outcome, retryable: false, disable: true };
  return outcome;
}

export const discordChannel: ChannelAdapter<DiscordConfig, DiscordSecrets> = {
  kind: "discord",
  label: "Discord",
  config: DiscordConfig,
  secrets: DiscordSecrets,
  dials: [{ in: "secrets", key: "webhookUrl" }],
  send(message, ctx) {
    return sendJson(ctx, ctx.secrets.webhookUrl, discordBody(message, ctx.template), { judge: judgeDiscord });
  },
};
