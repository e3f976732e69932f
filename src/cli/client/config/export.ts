import type { Upblit } from "#sdk";
import { type ConfigFile, emptyConfig, KEY_PATTERN } from "./file.ts";
import { KINDS, type Refs } from "./kinds.ts";
import { RefTable, readState } from "./state.ts";

/** Written at the top of an exported file: editors validate it with the schema beside it. */
export const SCHEMA_COMMENT =
  "# Upblit configuration (docs/config-as-code.md); `upblit config-schema > upblit.schema.json` for editors\n# yaml-language-server: $schema=./upblit.schema.json";

/**
 * The organization as a config file: every resource with its key (or one made from its name),
 * references by key, read-only fields left out and secrets as `${ENV}` references, so that
 * applying it to the same server changes nothing and to a new one recreates the organization.
 */
export async function exportConfig(client: Upblit): Promise<{ config: ConfigFile; env: string[] }> {
  const state = await readState(client, true);
  const refs = new RefTable();
  for (const kind of KINDS) {
    const taken = new Set(state[kind.section].keyById.values());
    for (const item of state[kind.section].items) {
      let key = state[kind.section].keyById.get(item.id);
      if (!key) {
        key = uniqueKey(slug(String(item[kind.identity] ?? kind.label)), taken);
        taken.add(key);
      }
      refs.set(kind.section, key, item.id);
    }
  }
  const config = emptyConfig();
  for (const kind of KINDS) {
    for (const item of state[kind.section].items) {
      const key = (refs as Refs).keyOf(kind.section, item.id);
      config[kind.section].push({ key, ...kind.exportClean(kind.toFile(item, refs), key) });
    }
  }
  const env = new Set<string>();
  JSON.stringify(config, (_k, v) => {
    if (typeof v === "string") for (const m of v.matchAll(/\$\{([A-Z0-9_]+)\}/g)) env.add(m[1]!);
    return v;
  });
  return { config, env: [...env].sort() };
}

/** A key made from a name: lowercase, runs of other characters as "-". */
export function slug(name: string): string {
  const s = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|-+$/g, "")
    .slice(0, 90);
  return KEY_PATTERN.test(s) ? s : "item";
}

export function uniqueKey(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
