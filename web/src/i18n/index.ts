import { en } from "./en/index.ts";
import type { settings } from "./en/settings.ts";

/**
 * Every message key: the first bundle's catalogue (`en`) and those that screens loaded on demand
 * bring along and add with `addMessages` (settings.ts), so their text stays out of the first bundle.
 */
export type MessageKey = keyof typeof en | keyof typeof settings;
export type Catalogue = Record<keyof typeof en, string>;

let current: Record<string, string> = en;

/** Switches the catalogue (a translation: `{ ...en, ...fr }` style objects with every key). */
export function setCatalogue(catalogue: Catalogue): void {
  current = { ...current, ...catalogue };
}

/** Adds the messages of a screen loaded on demand; keys already there (a translation) win. */
export function addMessages(messages: Record<string, string>): void {
  current = { ...messages, ...current };
}

/** The text for `key`, with `{param}` placeholders filled in (the key itself if not loaded). */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return (current[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether the catalogue has `key` (for texts chosen by data, e.g. one sentence per audit action). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(current, key);
}
