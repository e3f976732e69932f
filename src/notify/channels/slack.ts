/**
 * Slack through an incoming webhook (https://api.slack.com/messaging/webhooks): `POST` the
 * webhook URL with a JSON body of Block Kit `blocks` and a `text` fallback for notifications.
 * User text goes into `plain_text` objects (never parsed) or is mrkdwn-escaped; Slack answers
 * `200 ok`, or a status with a short error string (`invalid_payload`, `no_service`, …).
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, escapeSlack, HttpUrl, oneLine, safeLinks } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const SlackConfig = z.strictObject({});
export type SlackConfig = z.infer<typeof SlackConfig>;

export const SlackSecrets = z.strictObject({
  /** `https://hooks.slack.com/services/T…/B…/…`: whoever has it can post, so it is a secret. */
  webhookUrl: HttpUrl,
});
export type SlackSecrets = z.infer<typeof SlackSecrets>;

/** Block Kit limits: a header's text is at most 150 characters, a section's 3000. */
const MAX_HEADER = 150;
const MAX_SECTION = 3000;
const MAX_LINE = 600;

/** Slack's link syntax `<url|label>`: the URL is already percent-encoded, entities guard the rest. */
function slackLink(url: string, label: string): string {
  return `<${url.replace(/&/g, "&amp;")}|${escapeSlack(label)}>`;
}

/**
 * The webhook body: a header, the facts as plain text, the links, and the escaped fallback text.
 * A custom template's title is the header, and its text (mrkdwn) replaces facts and links.
 */
function slackBody(message: AlertMessage, template?: MessageTemplate) {
  const title = customTitle(message, template, "plain", MAX_HEADER) ?? oneLine(titleOf(message));
  const header = { type: "header", text: { type: "plain_text", text: clip(title, MAX_HEADER), emoji: true } };
  const custom = customText(message, template, "mrkdwn", MAX_SECTION);
  if (custom !== undefined) {
    return {
      text: escapeSlack(clip(title, MAX_SECTION)),
      blocks: [header, { type: "section", text: { type: "mrkdwn", text: custom } }],
    };
  }
  const lines = summaryLines(message).map((line) => clip(oneLine(line), MAX_LINE));
  const links = safeLinks(linksOf(message)).map(({ label, url }) => slackLink(url, label));
  const blocks: unknown[] = [
    header,
    { type: "section", text: { type: "plain_text", text: clip(lines.join("\n"), MAX_SECTION), emoji: true } },
  ];
  if (links.length > 0) blocks.push({ type: "section", text: { type: "mrkdwn", text: links.join("  ·  ") } });
  return {
    text: escapeSlack(clip([title, ...lines.slice(0, 1)].join(" — "), MAX_SECTION)),
    blocks,
  };
}

/** `404 no_service`: the webhook was removed or disabled, like 410 `channel_is_archived`: stop using it. */
function judgeSlack(res: OutboundResponse): SendOutcome {
  const judged = judgeHttp(res);
  if (judged.ok) return judged;
  const reason = res.body.trim().slice(0, 100);
  const outcome = { ...judged, error: `Slack ${res.statusCode}${reason ? `: ${reason}` : ""}` };
  if (res.statusCode === 404 && reason === "no_service")
    return { ...outcome, retryable: false, disable: true };
  return outcome;
}

export const slackChannel: ChannelAdapter<SlackConfig, SlackSecrets> = {
  kind: "slack",
  label: "Slack",
  config: SlackConfig,
  secrets: SlackSecrets,
  dials: [{ in: "secrets", key: "webhookUrl" }],
  send(message, ctx) {
    return sendJson(ctx, ctx.secrets.webhookUrl, slackBody(message, ctx.template), { judge: judgeSlack });
  },
};
