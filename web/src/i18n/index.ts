import type { alerting } from "./en/alerting.ts";
import { en } from "./en/index.ts";
import type { settings } from "./en/settings.ts";

/**
 * Keys of catalogues that load with their screens' chunks (`addMessages`), not with the first
 * bundle (the bench:dashboard budget): alerting.ts and settings.ts.
 */
type LazyKey = keyof typeof alerting | keyof typeof settings;
export type MessageKey = keyof typeof en | LazyKey;
export type Catalogue = Record<keyof typeof en, string>;

let current: Record<string, string> = en;
/** The catalogue's language's plural categories (English: one, other). */
let plurals = new Intl.PluralRules("en");
/** Texts added by lazily loaded screens (a translation adds its own the same way). */
const added: Record<string, string> = {};

/**
 * Switches the catalogue (a translation: `{ ...en, ...fr }` style objects with every key) and the
 * language whose plural rules `tn` follows.
 */
export function setCatalogue(catalogue: Catalogue, locale = "en"): void {
  current = catalogue;
  plurals = new Intl.PluralRules(locale);
}

/** Adds the texts of a screen loaded on demand; its chunk calls this before rendering. */
export function addMessages(messages: Partial<Record<LazyKey, string>>): void {
  Object.assign(added, messages);
}

/** Whether `key` has a text (for keys built from API values, such as `event.${name}`). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(current, key) || Object.hasOwn(added, key);
}

/** The text for `key`, with `{param}` placeholders filled in (the key itself if not loaded). */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill(current[key] ?? added[key] ?? key, params);
}

/** Keys with plural forms: `base.other` exists (and `base.one`, … as the language needs). */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

/**
 * The text for `count` of something: `key.<plural category>` of the catalogue's language (English:
 * `one`, `other`), falling back to `key.other`, with `{n}` filled with the count.
 */
export function tn(key: PluralKey, count: number, params: Record<string, string | number> = {}): string {
  const form = `${key}.${plurals.select(count)}`;
  return t((hasMessage(form) ? form : `${key}.other`) as MessageKey, { n: count, ...params });
}

/**
 * `items` as one phrase in the catalogue's words: "7", "14 and 7", "30, 14 and 7" (English:
 * `list.separator` between all but the last two, `list.and` before the last).
 */
export function tlist(items: ReadonlyArray<string | number>): string {
  const words = items.map(String);
  const last = words.pop();
  if (last === undefined) return "";
  return words.length === 0 ? last : t("list.and", { rest: words.join(t("list.separator")), last });
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
