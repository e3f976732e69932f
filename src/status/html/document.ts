import { createHash, randomBytes } from "node:crypto";
import { html, type Markup, raw } from "../escape.ts";

/** A fresh CSP nonce: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The strict Content-Security-Policy of every status page response: nothing loads but the
 * page's own nonce'd (or, for the cached page, hashed) style and script, images over https (logo,
 * favicon), the event stream from the same origin, and forms posting back to it. No framing, no
 * base URL tricks.
 */
export function statusCsp(nonce: string): string {
  return cspAllowing(`'nonce-${nonce}'`, `'nonce-${nonce}'`);
}

/** The same policy allowing exactly this inline style and script by their SHA-256 (CSP hash-source). */
export function hashedCsp(style: string, script: string): string {
  const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
  return cspAllowing(hash(script), hash(style));
}

function cspAllowing(scriptSource: string, styleSource: string): string {
  return [
    "default-src 'none'",
    `script-src ${scriptSource}`,
    `style-src ${styleSource}`,
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export interface DocumentParts {
  title: string;
  /** The page's one style sheet (`pageStyles(colors)`), inlined. */
  styles: string;
  faviconUrl?: string | null;
  /** Asks robots to stay away (private pages, errors). */
  noindex?: boolean;
  body: Markup;
  script?: string;
  /** The response's CSP nonce; none for a page allowed by hashes (the same bytes for everyone). */
  nonce?: string;
}

/** A complete HTML document: language, viewport, colour schemes, skip link target inside `body`. */
export function renderDocument(parts: DocumentParts): string {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
${parts.noindex ? raw('<meta name="robots" content="noindex">\n') : ""}<title>${parts.title}</title>
<link rel="icon" href="${parts.faviconUrl ?? "data:,"}">
<style${nonceAttribute(parts.nonce)}>${raw(parts.styles)}</style>
</head>
<body>
${parts.body}
${parts.script ? html`<script${nonceAttribute(parts.nonce)}>${raw(parts.script)}</script>\n` : ""}</body>
</html>
`;
  return doc.value;
}

function nonceAttribute(nonce: string | undefined): Markup {
  return nonce === undefined ? raw("") : html` nonce="${nonce}"`;
}

const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const DATE = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
});

/** "3 May 2024, 14:05 UTC": times on pages are UTC, and say so. */
export function formatDateTime(d: Date): string {
  return `${DATE_TIME.format(d)} UTC`;
}

/** "3 May 2024" (a UTC day). */
export function formatDay(d: Date): string {
  return DATE.format(d);
}
