import type { FieldIssue } from "../../lib/errors.ts";

/** A theme's colours as #rrggbb: page background, body text, and the accent of links and focus rings. */
export interface ThemeColors {
  background: string;
  text: string;
  accent: string;
}

export interface PageColors {
  light: ThemeColors;
  dark: ThemeColors;
}

/** Defaults that pass WCAG AA in both themes. */
export const DEFAULT_COLORS: PageColors = {
  light: { background: "#ffffff", text: "#1f2328", accent: "#0b5cad" },
  dark: { background: "#0d1117", text: "#e6edf3", accent: "#6cb6ff" },
};

/** WCAG AA for body text; links and focus rings are text-sized too, so the accent needs the same. */
export const MIN_CONTRAST = 4.5;

function channel(hex: string, offset: number): number {
  const v = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Text and accent must reach WCAG AA contrast against the background in each theme: a page
 * whose owner picked unreadable colours is refused at save time, not shipped to visitors.
 */
export function colorProblems(colors: PageColors, path = "body.colors"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const theme of ["light", "dark"] as const) {
    const c = colors[theme];
    for (const part of ["text", "accent"] as const) {
      const ratio = contrastRatio(c[part], c.background);
      if (ratio < MIN_CONTRAST) {
        issues.push({
          path: `${path}.${theme}.${part}`,
          message: `contrast with the background is ${ratio.toFixed(2)}:1; WCAG AA needs ${MIN_CONTRAST}:1`,
        });
      }
    }
  }
  return issues;
}
