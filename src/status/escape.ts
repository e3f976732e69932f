import { escapeHtml } from "../lib/html.ts";

/**
 * The one escaper of public output: text and attribute values of HTML and SVG/XML alike. Every
 * value that did not come from a literal in this module goes through it; attribute values are
 * always double-quoted.
 */
export function escapeMarkup(value: string | number): string {
  return escapeHtml(value);
}

/**
 * Tagged template for markup: interpolated values are escaped unless they are `Markup` made by
 * this module (already escaped). Arrays are joined, null and undefined render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Markup(out);
}

/** Markup that is already safe; only `html` and `raw` make it. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup written in this module (a fixed script or style); never for user values. */
export function raw(trusted: string): Markup {
  return new Markup(trusted);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Markup) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeMarkup(String(value));
}
