/**
 * Mattermost through an incoming webhook (https://developers.mattermost.com/integrate/webhooks/incoming/):
 * `POST` the hook URL (`https://<server>/hooks/<key>`) with `Content-Type: application/json` and
 * `text` in Mattermost markdown, plus the optional `channel`, `username` and `icon_url` overrides.
 * User text is markdown-escaped and its `@` words broken. Mattermost answers `200 ok`.
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, clipMarkdown, escapeChatMarkdown, field, HttpUrl, parseJson, safeLinks } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const MattermostConfig = z.strictObject({
  /** Overrides the hook's channel: a channel name (`town-square`) or `@username` for a direct message. */
  channel: z
    .string()
    .regex(/^@?[a-z0-9][a-z0-9._-]{0,63}$/i, "a channel name like town-square, or @username")
    .optional(),
  /** Shown as the poster when the server allows overriding it (EnablePostUsernameOverride). */
  username: z
    .string()
    .regex(/^[a-z0-9._-]{1,64}$/i, "letters, digits, dots, dashes and underscores")
    .optional(),
  /** Shown as the poster's picture when the server allows it (EnablePostIconOverride). */
  iconUrl: HttpUrl.optional(),
});
export type MattermostConfig = z.infer<typeof MattermostConfig>;

export const MattermostSecrets = z.strictObject({
  /** `https://<server>/hooks/<key>`: anyone with it can post, so it is a secret. */
  webhookUrl: HttpUrl,
});
export type MattermostSecrets = z.infer<typeof MattermostSecrets>;

/** Mattermost splits posts over 16383 characters; stay well under it. */
const MAX_TEXT = 8000;
const MAX_LINE = 1000;

/** The post text: a bold title, the facts, then the links; or the title and text of a custom template. */
function mattermostText(message: AlertMessage, template?: MessageTemplate): string {
  const title =
    customTitle(message, template, "markdown-chat", 300) ?? escapeChatMarkdown(clip(titleOf(message), 300));
  const custom = customText(message, template, "markdown-chat", MAX_TEXT - 320);
  if (custom !== undefined) return `#### ${title}\n\n${custom}`;
  const lines = summaryLines(message).map((line) => escapeChatMarkdown(clip(line, MAX_LINE)));
  const links = safeLinks(linksOf(message)).map(({ label, url }) => `[${label}](${url})`);
  const parts = [`#### ${title}`, lines.join("  \n")];
  if (links.length > 0) parts.push(links.join(" · "));
  return clipMarkdown(parts.join("\n\n"), MAX_TEXT);
}

/** The webhook body; overrides only when configured. */
function mattermostBody(message: AlertMessage, config: MattermostConfig, template?: MessageTemplate) {
  return {
    text: mattermostText(message, template),
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
    ...(config.iconUrl ? { icon_url: config.iconUrl } : {}),
  };
}

/** Mattermost explains a refusal in `{ id, message, status_code }`. */
function judgeMattermost(res: OutboundResponse): SendOutcome {
  const judged = judgeHttp(res);
  if (judged.ok) return judged;
  const json = parseJson(res.body);
  const text = field(json, "message");
  const id = field(json, "id");
  if (typeof text !== "string") return judged;
  const suffix = typeof id === "string" ? ` (${id})` : "";
  return { ...judged, error: `Mattermost ${res.statusCode}: ${text.slice(0, 200)}${suffix}` };
}

export const mattermostChannel: ChannelAdapter<MattermostConfig, MattermostSecrets> = {
  kind: "mattermost",
  label: "Mattermost",
  config: MattermostConfig,
  secrets: MattermostSecrets,
  dials: [{ in: "secrets", key: "webhookUrl" }],
  send(message, ctx) {
    return sendJson(ctx, ctx.secrets.webhookUrl, mattermostBody(message, ctx.config, ctx.template), {
      judge: judgeMattermost,
    });
  },
};
