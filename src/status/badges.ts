import { textWidth } from "./badge-widths.ts";
import { escapeMarkup } from "./escape.ts";

/** Value colours of the flat badge style people know from shields.io. */
export const BADGE_COLORS = {
  brightgreen: "#4c1",
  green: "#97ca00",
  yellow: "#dfb317",
  orange: "#fe7d37",
  red: "#e05d44",
  blue: "#007ec6",
  grey: "#9f9f9f",
} as const;
export type BadgeColor = keyof typeof BADGE_COLORS;

const LABEL_BACKGROUND = "#555";
const HEIGHT = 20;
/** Space left and right of each text. */
const PADDING = 5;
/** Labels longer than this are cut with an ellipsis. */
const MAX_LABEL_CHARS = 40;

function clip(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_LABEL_CHARS ? text : `${chars.slice(0, MAX_LABEL_CHARS - 1).join("")}…`;
}

/** Coordinates in tenths of a pixel: the texts are drawn at font-size 110 inside scale(.1). */
const tenths = (px: number) => Math.round(px * 10);

/**
 * A flat badge, "label | value", as SVG 1.1: the widths come from the font's width table, both
 * texts are escaped, and the whole reads as "label: value" to screen readers (role img, title).
 */
export function renderBadge(label: string, value: string, color: BadgeColor): string {
  const left = clip(label);
  const right = clip(value);
  const leftText = textWidth(left);
  const rightText = textWidth(right);
  const leftWidth = Math.ceil(leftText) + 2 * PADDING;
  const rightWidth = Math.ceil(rightText) + 2 * PADDING;
  const width = leftWidth + rightWidth;
  const title = escapeMarkup(`${left}: ${right}`);
  const text = (content: string, centre: number, length: number) => {
    const attrs = `x="${tenths(centre)}" transform="scale(.1)" textLength="${tenths(length)}"`;
    const safe = escapeMarkup(content);
    return (
      `<text aria-hidden="true" ${attrs} y="150" fill="#010101" fill-opacity=".3">${safe}</text>` +
      `<text ${attrs} y="140">${safe}</text>`
    );
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${leftWidth}" height="${HEIGHT}" fill="${LABEL_BACKGROUND}"/>`,
    `<rect x="${leftWidth}" width="${rightWidth}" height="${HEIGHT}" fill="${BADGE_COLORS[color]}"/>`,
    `<rect width="${width}" height="${HEIGHT}" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`,
    text(left, leftWidth / 2, leftText),
    text(right, leftWidth + rightWidth / 2, rightText),
    "</g></svg>",
  ].join("");
}

/** The colour of an uptime figure: brightgreen from 99.9%, green from 99%, yellow from 95%, else red. */
export function uptimeColor(ratio: number | null): BadgeColor {
  if (ratio === null) return "grey";
  if (ratio >= 0.999) return "brightgreen";
  if (ratio >= 0.99) return "green";
  if (ratio >= 0.95) return "yellow";
  return "red";
}
