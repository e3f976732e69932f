/**
 * The contrast rule the server enforces on a page's colours (src/services/status-pages/colors.ts):
 * text and accent need WCAG AA, 4.5:1, against the background in each theme. The dashboard
 * computes the same figure so the editor shows it while colours are picked; the server stays
 * the judge when the page is saved (contrast.test.ts checks both agree).
 */
export const MIN_CONTRAST = 4.5;

function channel(hex: string, offset: number): number {
  const v = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

export const isHex = (s: string) => /^#[0-9a-fA-F]{6}$/.test(s);

/** WCAG 2 contrast ratio of two #rrggbb colours (1 to 21), or null when one is not a colour yet. */
export function contrastRatio(a: string, b: string): number | null {
  if (!isHex(a) || !isHex(b)) return null;
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** "4.48:1" rounded down, so a ratio shown as passing never fails on the server. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}
