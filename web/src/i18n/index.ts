import type { alerting } from "./en/alerting.ts";
import { en } from "./en/index.ts";

/** Keys of catalogues that load with their screens' chunks (`addMessages`), not with the first bundle. */
type LazyKey = keyof typeof alerting;
export type MessageKey = keyof typeof en | LazyKey;
export type Catalogue = Record<keyof typeof en, string>;

let current: Catalogue = en;
/** Texts added by lazily loaded screens (a translation adds its own the same way). */
const added: Partial<Record<LazyKey, string>> = {};

/** Switches the catalogue (a translation: `{ ...en, ...fr }` style objects with every key). */
export function setCatalogue(catalogue: Catalogue): void {
  current = catalogue;
}

/** Adds the texts of a screen loaded on demand; its chunk calls this before rendering. */
export function addMessages(messages: Partial<Record<LazyKey, string>>): void {
  Object.assign(added, messages);
}

/** Whether `key` has a text (for keys built from API values, such as `event.${name}`). */
export function hasMessage(key: string): key is MessageKey {
  return key in current || key in added;
}

/** The text for `key`, with `{param}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill((current as Record<string, string>)[key] ?? added[key as LazyKey] ?? key, params);
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
