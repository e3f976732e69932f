/**
 * Escaping and length helpers for the paging and push adapters (Telegram, PagerDuty, Opsgenie,
 * ntfy, Gotify, Pushover). The texts they receive come from `wording.ts` and are plain and
 * unescaped, with user-controlled parts (monitor and organization names, causes, URLs).
 */
import { z } from "zod";

/** A service base URL in channel settings: http or https only, bounded. */
export const ServiceUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Joins a configured base URL (maybe with a sub-path and a trailing slash) and an API path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/** Escapes text for HTML bodies and attribute values (Telegram `parse_mode: HTML`, Pushover `html: 1`). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Escapes text for CommonMark: every ASCII punctuation character gets a backslash (CommonMark
 * allows that for all of them), so user text cannot open emphasis, links, headings, raw HTML or
 * autolinks; line breaks become spaces so a name cannot start a block of its own.
 */
export function escapeMarkdown(text: string): string {
  return oneLine(text).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** Control characters (line breaks included) become spaces: for fields that are one line. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ");
}

/**
 * The URL normalised (spaces, quotes and angle brackets percent-encoded) when it is http or
 * https, else null: a link to show must never be `javascript:` or another scheme.
 */
export function linkUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A markdown link destination: parentheses percent-encoded too, so the URL cannot close the link early. */
export function markdownUrl(raw: string): string | null {
  return linkUrl(raw)?.replace(/\(/g, "%28").replace(/\)/g, "%29") ?? null;
}

/** Cuts text to at most `max` UTF-16 units, ending in `…` when cut, never splitting a surrogate pair. */
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
