/**
 * Advance widths in pixels of the printable ASCII characters (32 " " to 126 "~") at 11px in
 * DejaVu Sans, the badge font's fallback and metrically close to Verdana. Measured once with
 * canvas measureText in Chromium; other characters count as AVERAGE_WIDTH.
 */
const ASCII_WIDTHS: readonly number[] = [
  3.5, 4.41, 5.06, 9.22, 7, 10.45, 8.58, 3.02, 4.29, 4.29, 5.5, 9.22, 3.5, 3.97, 3.5, 3.71, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 3.71, 3.71, 9.22, 9.22, 9.22, 5.84, 11, 7.52, 7.55, 7.68, 8.47, 6.95, 6.33, 8.52, 8.27, 3.24,
  3.24, 7.21, 6.13, 9.49, 8.23, 8.66, 6.63, 8.66, 7.64, 6.98, 6.72, 8.05, 7.52, 10.88, 7.54, 6.72, 7.54, 4.29,
  3.71, 4.29, 9.22, 5.5, 5.5, 6.74, 6.98, 6.05, 6.98, 6.77, 3.87, 6.98, 6.97, 3.06, 3.06, 6.37, 3.06, 10.72,
  6.97, 6.73, 6.98, 6.98, 4.52, 5.73, 4.31, 6.97, 6.51, 9, 6.51, 6.51, 5.77, 7, 3.71, 7, 9.22,
];

/** Width assumed for characters outside the table (accented letters, other scripts). */
const AVERAGE_WIDTH = 7;
/** Wide characters (CJK, emoji) take about a full em. */
const WIDE_WIDTH = 11;

/** The width of a text at 11px in the badge font, in pixels. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 32 && code <= 126) width += ASCII_WIDTHS[code - 32] ?? AVERAGE_WIDTH;
    else width += code >= 0x2e80 ? WIDE_WIDTH : AVERAGE_WIDTH;
  }
  return width;
}
