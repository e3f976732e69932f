/**
 * Microsoft Teams through a Workflows webhook (the "When a Teams webhook request is received"
 * trigger, followed by "Post card in a chat or channel"): `POST` the workflow URL with
 * `{ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content }] }`
 * where `content` is an Adaptive Card 1.4. Workflows answers `202 Accepted`.
 *
 * User text goes into RichTextBlock `TextRun`s, which Adaptive Cards never read as Markdown:
 * TextBlock markdown escapes render differently on Teams desktop and mobile, a TextRun is literal
 * everywhere, and `<at>` mentions need `msteams.entities`, which we never send.
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import { clip, field, HttpUrl, oneLine, parseJson, safeLinks } from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const TeamsConfig = z.strictObject({});
export type TeamsConfig = z.infer<typeof TeamsConfig>;

export const TeamsSecrets = z.strictObject({
  /** The workflow's HTTP POST URL; its `sig` query parameter is the credential. */
  webhookUrl: HttpUrl,
});
export type TeamsSecrets = z.infer<typeof TeamsSecrets>;

const MAX_LINE = 1000;
const MAX_TEXT = 10_000;

/** Adaptive Card text colours per event (the host theme picks the shade). */
const EVENT_COLOURS: Record<AlertMessage["event"], string> = {
  down: "Attention",
  up: "Good",
  degraded: "Warning",
  certificate: "Warning",
  reminder: "Attention",
  acknowledged: "Accent",
  test: "Accent",
};

/** One paragraph of literal text. */
function paragraph(text: string, style: Record<string, string> = {}) {
  return { type: "RichTextBlock", inlines: [{ type: "TextRun", text, ...style }] };
}

/** A custom template's text, one paragraph per non-empty line (TextRuns are literal: plain text). */
function customLines(message: AlertMessage, template: MessageTemplate | undefined): string[] | undefined {
  const text = customText(message, template, "plain", MAX_TEXT);
  return text?.split("\n").filter((line) => line.trim() !== "");
}

/**
 * The Adaptive Card: a coloured bold title, one paragraph per fact, the links as buttons. A custom
 * template gives the title and the paragraphs; the buttons stay.
 */
function teamsCard(message: AlertMessage, template?: MessageTemplate) {
  const title = customTitle(message, template, "plain", 200) ?? clip(oneLine(titleOf(message)), 200);
  const lines =
    customLines(message, template) ?? summaryLines(message).map((line) => clip(oneLine(line), MAX_LINE));
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    msteams: { width: "Full" },
    body: [
      paragraph(title, { weight: "Bolder", size: "Large", color: EVENT_COLOURS[message.event] }),
      ...lines.map((line) => paragraph(line)),
    ],
    actions: safeLinks(linksOf(message)).map(({ label, url }) => ({
      type: "Action.OpenUrl",
      title: label,
      url,
    })),
  };
}

/** The Workflows webhook body. */
function teamsBody(message: AlertMessage, template?: MessageTemplate) {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: teamsCard(message, template),
      },
    ],
  };
}

/** Power Automate explains a refusal in `{ error: { code, message } }`. */
function judgeTeams(res: OutboundResponse): SendOutcome {
  const judged = judgeHttp(res);
  if (judged.ok) return judged;
  const error = field(parseJson(res.body), "error");
  const code = field(error, "code");
  const text = field(error, "message");
  if (typeof code !== "string" && typeof text !== "string") return judged;
  const why = [code, text].filter((part) => typeof part === "string").join(": ");
  return { ...judged, error: `Teams workflow ${res.statusCode}: ${why.slice(0, 200)}` };
}

export const teamsChannel: ChannelAdapter<TeamsConfig, TeamsSecrets> = {
  kind: "teams",
  label: "Microsoft Teams (Workflows)",
  config: TeamsConfig,
  secrets: TeamsSecrets,
  dials: [{ in: "secrets", key: "webhookUrl" }],
  send(message, ctx) {
    return sendJson(ctx, ctx.secrets.webhookUrl, teamsBody(message, ctx.template), { judge: judgeTeams });
  },
};
