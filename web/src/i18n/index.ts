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
  return current[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether the catalogue has `key` (for texts chosen by data, e.g. one sentence per audit action). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(current, key);
}
