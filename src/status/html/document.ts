import { randomBytes } from "node:crypto";
import type { PageColors } from "../../services/status-pages/colors.ts";
import { html, type Markup, raw } from "../escape.ts";
import { pageStyles } from "./styles.ts";

/**
 * Where a response's nonce goes in a cached page: a random word per process, so no stored text
 * can predict it. Each response replaces it with a fresh nonce (see `withNonce`).
 */
export const NONCE_SLOT = `nonce-slot-${randomBytes(12).toString("hex")}`;

/** A fresh CSP nonce: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** Puts this response's nonce into a page rendered with NONCE_SLOT. */
export function withNonce(template: string, nonce: string): string {
  return template.replaceAll(NONCE_SLOT, nonce);
}

/**
 * The strict Content-Security-Policy of every status page response: nothing loads but the
 * page's own nonce'd style and script, images over https (logo, favicon), the event stream from
 * the same origin, and forms posting back to it. No framing, no base URL tricks.
 */
export function statusCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export interface DocumentParts {
  title: string;
  colors: PageColors;
  faviconUrl?: string | null;
  /** Asks robots to stay away (private pages, errors). */
  noindex?: boolean;
  body: Markup;
  script?: string;
  nonce: string;
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
<style nonce="${parts.nonce}">${raw(pageStyles(parts.colors))}</style>
</head>
<body>
${parts.body}
${parts.script ? html`<script nonce="${parts.nonce}">${raw(parts.script)}</script>\n` : ""}</body>
</html>
`;
  return doc.value;
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
