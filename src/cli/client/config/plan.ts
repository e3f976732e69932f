import { type Change, compare } from "./compare.ts";
import type { ConfigFile, Declared, Section } from "./file.ts";
import { type Item, KINDS, type KindSpec } from "./kinds.ts";
import { RefTable, type ServerState } from "./state.ts";

export type Action =
  | { type: "create"; kind: KindSpec; key: string; decl: Declared }
  | {
      type: "update";
      kind: KindSpec;
      key: string;
      decl: Declared;
      item: Item;
      changes: Change[];
      adopt: boolean;
    }
  | { type: "delete"; kind: KindSpec; key: string; item: Item };

export interface Plan {
  actions: Action[];
  unchanged: number;
  /** Keyed resources the files no longer declare, kept because --prune was not given. */
  kept: Array<{ kind: KindSpec; key: string; item: Item }>;
  refs: RefTable;
  problems: string[];
}

export interface PlanOptions {
  prune: boolean;
  /** Send channels' secrets again even when nothing else changed. */
  updateSecrets: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * What apply would do to make the server match the files: create what is declared and missing,
 * update what differs (field by field), and with `prune` delete keyed resources no file declares.
 * A declared key the server does not know adopts the one unkeyed resource of the same name
 * (slug for pages, title for maintenance), so an export applied back changes nothing.
 */
export function makePlan(config: ConfigFile, state: ServerState, options: PlanOptions): Plan {
  const refs = new RefTable();
  const problems: string[] = [];
  const matched = new Map<Section, Map<string, { item: Item; adopt: boolean }>>();
  for (const kind of KINDS) {
    const { items, keyById } = state[kind.section];
    const byKey = new Map<string, Item>();
    for (const item of items) {
      const key = keyById.get(item.id);
      if (key) {
        byKey.set(key, item);
        refs.set(kind.section, key, item.id);
      }
    }
    const found = new Map<string, { item: Item; adopt: boolean }>();
    for (const decl of config[kind.section]) {
      const keyed = byKey.get(decl.key);
      if (keyed) {
        found.set(decl.key, { item: keyed, adopt: false });
        continue;
      }
      const same = items.filter(
        (i) =>
          !keyById.has(i.id) && decl[kind.identity] !== undefined && i[kind.identity] === decl[kind.identity],
      );
      if (same.length > 1) {
        problems.push(
          `${kind.section}.${decl.key}: ${same.length} ${kind.label}s without a key have the ${kind.identity} ${JSON.stringify(decl[kind.identity])}; give one the key first (PUT …/keys/${decl.key})`,
        );
      } else if (same[0] && ![...found.values()].some((f) => f.item.id === same[0]!.id)) {
        found.set(decl.key, { item: same[0], adopt: true });
        refs.set(kind.section, decl.key, same[0].id);
      }
    }
    matched.set(kind.section, found);
  }

  const actions: Action[] = [];
  const kept: Plan["kept"] = [];
  let unchanged = 0;
  for (const kind of KINDS) {
    const found = matched.get(kind.section)!;
    for (const decl of config[kind.section]) {
      const match = found.get(decl.key);
      if (!match) {
        actions.push({ type: "create", kind, key: decl.key, decl });
        continue;
      }
      const { key: _key, ...declared } = decl;
      const current = kind.toFile(match.item, refs);
      const changes = compare(declared, current, options.env);
      if (kind.section === "channels" && options.updateSecrets && decl.secrets !== undefined) {
        if (!changes.some((c) => c.path.startsWith("secrets"))) {
          changes.push({ path: "secrets", from: "(write-only)", to: "(sent again: --update-secrets)" });
        }
      }
      if (kind.section === "channels" && declared.kind !== undefined && declared.kind !== match.item.kind) {
        problems.push(
          `channels.${decl.key}: a channel's kind cannot change (${String(match.item.kind)} → ${String(declared.kind)}); give the new one another key`,
        );
      }
      if (changes.length || match.adopt) {
        actions.push({
          type: "update",
          kind,
          key: decl.key,
          decl,
          item: match.item,
          changes,
          adopt: match.adopt,
        });
      } else unchanged++;
    }
    const declaredKeys = new Set(config[kind.section].map((d) => d.key));
    for (const item of state[kind.section].items) {
      const key = state[kind.section].keyById.get(item.id);
      if (!key || declaredKeys.has(key)) continue;
      if (options.prune) actions.push({ type: "delete", kind, key, item });
      else kept.push({ kind, key, item });
    }
  }
  return { actions, unchanged, kept, refs, problems };
}
