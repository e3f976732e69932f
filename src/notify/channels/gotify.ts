/**
 * Gotify (self-hosted): `POST {serverUrl}/message` with the application token in the
 * `X-Gotify-Key` header (never in the query string, where proxies log it). The message is
 * markdown (`extras["client::display"].contentType`), so user text is markdown-escaped; a tap on
 * the notification opens the monitor (`extras["client::notification"].click.url`).
 */
import { z } from "zod";
import { judgeHttp, type OutboundResponse } from "../outbound.ts";
import type { MessageTemplate } from "../template.ts";
import { sendJson } from "./chat-delivery.ts";
import {
  clip,
  escapeMarkdown,
  field,
  HttpUrl,
  joinUrl,
  linkUrl,
  oneLine,
  parseJson,
  safeLink,
} from "./format.ts";
import { customText, customTitle } from "./templated.ts";
import type { AlertMessage, ChannelAdapter, SendOutcome } from "./types.ts";
import { linksOf, summaryLines, titleOf } from "./wording.ts";

export const GotifyConfig = z.strictObject({
  /** The Gotify server, e.g. `https://push.example.com` (a sub-path is kept). */
  serverUrl: HttpUrl,
});
export type GotifyConfig = z.infer<typeof GotifyConfig>;

export const GotifySecrets = z.strictObject({
  /** The token of a Gotify application (Apps → create); client tokens cannot send. */
  appToken: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "must be a Gotify application token"),
});
export type GotifySecrets = z.infer<typeof GotifySecrets>;

/**
 * Gotify's Android client: 0 shows nothing, 1-3 silent, 4-7 sound and vibration, 8-10 also a
 * pop-up. A down monitor is the one that should interrupt.
 */
const PRIORITY: Record<AlertMessage["event"], number> = {
  down: 8,
  reminder: 8,
  degraded: 6,
  certificate: 6,
  up: 5,
  acknowledged: 5,
  test: 5,
};

/** The markdown body: one escaped fact per line (hard breaks), then the links. */
export function gotifyMarkdown(message: AlertMessage): string {
  const lines = summaryLines(message).map((line) => escapeMarkdown(clip(line, 2_000)));
  const links = linksOf(message).flatMap(({ label, url }) => {
    const href = safeLink(url);
    return href ? [`[${escapeMarkdown(label)}](${href})`] : [];
  });
  const blocks = [lines.join("  \n")];
  if (links.length > 0) blocks.push(links.join(" · "));
  return blocks.join("\n\n");
}

/** The documented message body with its display and click extras; a custom template gives title and text. */
export function gotifyMessage(message: AlertMessage, template?: MessageTemplate): Record<string, unknown> {
  const click = linkUrl(message.monitorUrl);
  return {
    title: customTitle(message, template, "plain", 250) ?? clip(oneLine(titleOf(message)), 250),
    message: customText(message, template, "markdown", 20_000) ?? gotifyMarkdown(message),
    priority: PRIORITY[message.event],
    extras: {
      "client::display": { contentType: "text/markdown" },
      ...(click ? { "client::notification": { click: { url: click } } } : {}),
    },
  };
}

/** Gotify's error body `{error, errorCode, errorDescription}` explains a refusal. */
function judgeGotify(res: OutboundResponse): SendOutcome {
  const json = parseJson(res.body);
  const judged = judgeHttp(res);
  if (judged.ok) {
    const id = field(json, "id");
    return typeof id === "number" ? { ...judged, detail: `message id ${id}` } : judged;
  }
  const description = field(json, "errorDescription");
  const error = field(json, "error");
  if (typeof error !== "string") return judged;
  const why = typeof description === "string" ? `${error}: ${description}` : error;
  return { ...judged, error: `Gotify ${res.statusCode}: ${why}` };
}

export const gotifyChannel: ChannelAdapter<GotifyConfig, GotifySecrets> = {
  kind: "gotify",
  label: "Gotify",
  config: GotifyConfig,
  secrets: GotifySecrets,
  dials: [{ in: "config", key: "serverUrl" }],
  async send(message, ctx) {
    return sendJson(ctx, joinUrl(ctx.config.serverUrl, "/message"), gotifyMessage(message, ctx.template), {
      headers: { "x-gotify-key": ctx.secrets.appToken },
      judge: judgeGotify,
    });
  },
};
