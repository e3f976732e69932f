import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { ClientError } from "../contexts.ts";

/**
 * The configuration file (docs/config-as-code.md): lists of resources by kind, each with a `key`
 * that finds it again on the server. References between resources use keys, never ids.
 */
export const SECTIONS = ["channels", "monitors", "alertRules", "maintenanceWindows", "statusPages"] as const;
export type Section = (typeof SECTIONS)[number];

/** One declared resource: its key and the fields the file gives, references by key. */
export type Declared = { key: string } & Record<string, unknown>;
export type ConfigFile = Record<Section, Declared[]>;

export const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Reads one file, or every .yaml/.yml/.json file of a folder (sorted by name), as one config. */
export function readConfig(target: string): ConfigFile {
  let files: string[];
  try {
    files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => /\.(ya?ml|json)$/i.test(f))
          .sort()
          .map((f) => path.join(target, f))
      : [target];
  } catch (err) {
    throw new ClientError(2, `cannot read ${target}: ${(err as Error).message}`);
  }
  const config = emptyConfig();
  const problems: string[] = [];
  for (const file of files) {
    let value: unknown;
    try {
      const text = readFileSync(file, "utf8");
      value = /\.json$/i.test(file) ? JSON.parse(text) : parse(text);
    } catch (err) {
      throw new ClientError(2, `cannot read ${file}: ${(err as Error).message}`);
    }
    mergeInto(config, value ?? {}, path.basename(file), problems);
  }
  checkKeys(config, problems);
  if (problems.length)
    throw new ClientError(2, `the configuration is invalid:\n  - ${problems.join("\n  - ")}`);
  return config;
}

export function emptyConfig(): ConfigFile {
  return { channels: [], monitors: [], alertRules: [], maintenanceWindows: [], statusPages: [] };
}

function mergeInto(config: ConfigFile, value: unknown, file: string, problems: string[]): void {
  if (typeof value !== "object" || Array.isArray(value) || value === null) {
    problems.push(`${file}: must hold an object with ${SECTIONS.join(", ")}`);
    return;
  }
  for (const [name, list] of Object.entries(value)) {
    if (name === "version" || name === "$schema") continue;
    if (!(SECTIONS as readonly string[]).includes(name)) {
      problems.push(`${file}: unknown section ${name} (known: ${SECTIONS.join(", ")})`);
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push(`${file}: ${name} must be a list`);
      continue;
    }
    list.forEach((item: unknown, i) => {
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        problems.push(`${file}: ${name}[${i}] must be an object`);
      } else if (
        typeof (item as { key?: unknown }).key !== "string" ||
        !KEY_PATTERN.test((item as Declared).key)
      ) {
        problems.push(
          `${file}: ${name}[${i}].key must be lowercase letters, digits, ".", "_" or "-" (1-100 characters)`,
        );
      } else config[name as Section].push(item as Declared);
    });
  }
}

/** Keys unique per section; every reference names a declared key. */
function checkKeys(config: ConfigFile, problems: string[]): void {
  const keys = {} as Record<Section, Set<string>>;
  for (const section of SECTIONS) {
    keys[section] = new Set();
    for (const item of config[section]) {
      if (keys[section].has(item.key)) problems.push(`${section}: the key ${item.key} is declared twice`);
      keys[section].add(item.key);
    }
  }
  for (const ref of references(config)) {
    if (typeof ref.key !== "string" || !keys[ref.section].has(ref.key)) {
      problems.push(`${ref.at}: no ${ref.section} has the key ${String(ref.key)}`);
    }
  }
}

/** Where a file names another resource by key. */
interface Reference {
  at: string;
  section: Section;
  key: unknown;
}

function* references(config: ConfigFile): Generator<Reference> {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  for (const m of config.monitors) {
    for (const p of list(m.parents)) yield { at: `monitors.${m.key}.parents`, section: "monitors", key: p };
    for (const c of list(m.channels)) yield { at: `monitors.${m.key}.channels`, section: "channels", key: c };
  }
  for (const r of config.alertRules) {
    for (const c of list(r.channels))
      yield { at: `alertRules.${r.key}.channels`, section: "channels", key: c };
    for (const step of list(r.escalation)) {
      for (const c of list((step as { channels?: unknown })?.channels)) {
        yield { at: `alertRules.${r.key}.escalation`, section: "channels", key: c };
      }
    }
  }
  for (const w of config.maintenanceWindows) {
    for (const m of list(w.monitors)) {
      yield { at: `maintenanceWindows.${w.key}.monitors`, section: "monitors", key: m };
    }
  }
  for (const p of config.statusPages) {
    for (const g of list(p.groups)) {
      for (const c of list((g as { components?: unknown })?.components)) {
        yield {
          at: `statusPages.${p.key}.groups`,
          section: "monitors",
          key: (c as { monitor?: unknown })?.monitor,
        };
      }
    }
  }
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** True when a string holds an `${ENV_VAR}` reference (its value is then write-only to compare). */
export const hasEnvRef = (value: string): boolean => /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(value);

/** Every `${NAME}` the config references that the environment lacks. */
export function missingEnv(config: ConfigFile, env: NodeJS.ProcessEnv): string[] {
  const missing = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(ENV_REF)) if (env[m[1]!] === undefined) missing.add(m[1]!);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(config);
  return [...missing].sort();
}

/** A copy of a value with every `${NAME}` replaced by the environment's value (`$${` escapes). */
export function resolveEnv<T>(value: T, env: NodeJS.ProcessEnv): T {
  if (typeof value === "string") {
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
      whole.startsWith("$$") ? whole.slice(1) : (env[name] ?? ""),
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveEnv(v, env)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v, env)])) as T;
  }
  return value;
}
