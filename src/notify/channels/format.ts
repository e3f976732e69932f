/**
 * Escaping, link, length, URL and answer-reading helpers shared by the adapters (Slack, Discord,
 * Teams, Google Chat, Mattermost, Matrix, Telegram, PagerDuty, Opsgenie, ntfy, Gotify, Pushover,
 * email, webhook). Their input is the plain, unescaped wording of `wording.ts`, where monitor and
 * organization names, causes and URLs are user-controlled: every helper here assumes hostile
 * text and never lets it open markup, a link or a mention.
 */
import { z } from "zod";
import type { AlertMessage } from "./types.ts";

/**
 * An http(s) URL in channel settings, without credentials (settings are not encrypted). Webhook
 * URLs that carry their own token (Slack, Discord, Teams, Google Chat, Mattermost) use it in the
 * secrets schema; service base URLs (Telegram, PagerDuty, Opsgenie, ntfy, Gotify, Pushover) and
 * the generic webhook's URL in the config.
 */
export const HttpUrl = z
  .url({ protocol: /^https?$/, error: "an http or https URL" })
  .max(2048)
  // zod runs this refinement even after the URL check failed, so an unparsable value must not throw here.
  .refine((raw) => {
    const url = URL.canParse(raw) ? new URL(raw) : null;
    return !url?.username && !url?.password;
  }, "credentials in the URL are not allowed");

/** The state colours, one per event, as 0xRRGGBB. */
export const EVENT_COLOURS: Record<AlertMessage["event"], number> = {
  down: 0xd92d20,
  up: 0x1f9d55,
  degraded: 0xf59e0b,
  certificate: 0xb45309,
  reminder: 0xd92d20,
  acknowledged: 0x7c3aed,
  test: 0x4f6bed,
};

const ZERO_WIDTH_SPACE = "\u200b";

/**
 * Breaks every `@` so no chat reads user text as a mention (`@everyone`, `@here`, `@channel`,
 * `@room`, `@all`, `@someone`): a zero-width space after it keeps it readable but unmatchable.
 */
export function noMentions(text: string): string {
  return text.replace(/@/g, `@${ZERO_WIDTH_SPACE}`);
}

/** Control characters (line breaks included) become one space, so user text cannot start a block of its own. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ");
}

/**
 * Slack mrkdwn: `&`, `<` and `>` become entities as Slack documents, so no `<!channel>`,
 * `<@U…>` or `<url|label>` can be formed, and plain `@here`-style words are broken too.
 */
export function escapeSlack(text: string): string {
  return noMentions(oneLine(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

/**
 * Markdown (Gotify): every ASCII punctuation character gets a backslash, which CommonMark allows
 * for all of them, so user text cannot open emphasis, links, headings, raw HTML or autolinks;
 * line breaks become spaces so a name cannot start a block of its own.
 */
export function escapeMarkdown(text: string): string {
  return oneLine(text).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/**
 * Chat markdown (Discord, Mattermost): `escapeMarkdown`, which Discord and Mattermost honour too
 * (so no spoilers, quotes or `<@id>` mentions), plus `@` words broken as mentions. Kept apart from
 * `escapeMarkdown` because Gotify has no mentions and shows its text as typed.
 */
export function escapeChatMarkdown(text: string): string {
  return noMentions(escapeMarkdown(text));
}

/**
 * The URL normalised by the URL parser when it is http or https, else null: a link to show must
 * never be `javascript:` or another scheme. For HTML attributes (escaped anyway), headers and
 * JSON fields, where the parser's own encoding suffices.
 */
export function linkUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A link inside markup (chat dialects, Gotify markdown): `linkUrl`, then the characters that could
 * end a link in any dialect (`( ) | < > " '` and space) percent-encoded. Kept apart from `linkUrl`
 * because encoding `( ) | '` would change the URLs the HTML and JSON adapters pass on as given.
 */
export function safeLink(raw: string): string | null {
  return (
    linkUrl(raw)?.replace(
      /[()|<>"' ]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
    ) ?? null
  );
}

/** The message's links that are safe to show, with their labels. */
export function safeLinks(
  links: Array<{ label: string; url: string }>,
): Array<{ label: string; url: string }> {
  return links.flatMap(({ label, url }) => {
    const safe = safeLink(url);
    return safe ? [{ label, url: safe }] : [];
  });
}

/** Cuts plain text to at most `max` UTF-16 units, ending in `…` when cut, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Cuts text so its UTF-8 encoding fits in `maxBytes` (ntfy counts bytes), ending in `…` when cut. */
export function clipBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  let bytes = Buffer.byteLength("…", "utf8");
  let cut = "";
  for (const ch of text) {
    bytes += Buffer.byteLength(ch, "utf8");
    if (bytes > maxBytes) break;
    cut += ch;
  }
  return `${cut}…`;
}

/** Cuts escaped markdown like `clip`, without leaving an odd backslash that would escape the ellipsis. */
export function clipMarkdown(text: string, max: number): string {
  const cut = clip(text, max);
  if (cut === text) return cut;
  const kept = cut.slice(0, -1);
  const backslashes = kept.length - kept.replace(/\\+$/, "").length;
  return `${backslashes % 2 === 1 ? kept.slice(0, -1) : kept}…`;
}

/** Joins a configured base URL (maybe with a sub-path and a trailing slash) and an API path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/** Parses a JSON answer body, or undefined when it is not JSON (a proxy's HTML error page). */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The field of a parsed JSON object, or undefined when the value is not an object. */
export function field(value: unknown, key: string): unknown {
  // The cast only reads a property of a non-null object; the value stays `unknown`.
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
