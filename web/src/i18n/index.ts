import { en } from "./en/index.ts";

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

let current: Catalogue = en;

/** Switches the catalogue (a translation: `{ ...en, ...fr }` style objects with every key). */
export function setCatalogue(catalogue: Catalogue): void {
  current = catalogue;
}

/** The text for `key`, with `{param}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill(current[key], params);
}

function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The `t` of a lazily loaded feature whose texts travel in its own chunk rather than the initial
 * bundle (the bench:dashboard budget): its keys first, then the shared catalogue's.
 */
export function featureCatalogue<M extends Record<string, string>>(messages: M) {
  return (key: MessageKey | keyof M, params: Record<string, string | number> = {}): string =>
    key in messages ? fill(messages[key as keyof M] as string, params) : t(key as MessageKey, params);
}
