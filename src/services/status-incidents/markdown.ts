import { createRequire } from "node:module";
import { Marked } from "marked";
import type sanitizeHtml from "sanitize-html";

/**
 * sanitize-html (with postcss and htmlparser2, ~7 MB of heap) is loaded by the first rendering,
 * not at start: many servers never publish an incident update. It is CommonJS, so it loads
 * synchronously and renderMarkdown stays synchronous.
 */
let sanitizer: typeof sanitizeHtml | undefined;
const sanitize = (html: string, options: sanitizeHtml.IOptions) => {
  sanitizer ??= createRequire(import.meta.url)("sanitize-html") as typeof sanitizeHtml;
  return sanitizer(html, options);
};

/** Longest markdown body of an update or postmortem. */
export const MARKDOWN_MAX = 10_000;

const marked = new Marked({ gfm: true, breaks: true, async: false });

/** Headings inside an update sit under the page's h3 incident titles. */
const HEADING = (level: number) => `h${Math.min(6, Math.max(4, level + 3))}`;

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: { a: ["href", "rel"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    h1: HEADING(1),
    h2: HEADING(2),
    h3: HEADING(3),
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...(attribs.href ? { href: attribs.href } : {}), rel: "nofollow noopener" },
    }),
  },
};

/**
 * Markdown of an incident update or postmortem as HTML a public page may show: rendered by
 * `marked`, then sanitised with an allow-list (no scripts, styles, event handlers, images or
 * frames; links only http, https and mailto, each with rel="nofollow noopener"). Raw HTML in
 * the markdown goes through the same allow-list.
 */
export function renderMarkdown(markdown: string): string {
  const rendered = marked.parse(markdown.slice(0, MARKDOWN_MAX)) as string;
  return sanitize(rendered, SANITIZE).trim();
}
