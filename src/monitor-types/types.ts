/** Looking types up in the registry, for the code that serves every type (API, probe, judge). */
import { ASSERTION_SUBJECTS } from "../domain/assertion.ts";
import type { MonitorTypeDefinition } from "./define.ts";
import { MONITOR_TYPE_LIST } from "./registry.ts";

const BY_NAME = new Map(MONITOR_TYPE_LIST.map((t) => [t.type, t]));

/** The names of all types, in the registry's order (`["http", "keyword", …]`). */
export const MONITOR_TYPES = MONITOR_TYPE_LIST.map((t) => t.type) as unknown as readonly [
  string,
  ...string[],
];

/** The type of that name; undefined for a name no type has (own names only, never a prototype key). */
export function monitorType(name: unknown): MonitorTypeDefinition | undefined {
  return typeof name === "string" ? BY_NAME.get(name) : undefined;
}

/** Every settings block name some type takes (`http`, `keyword`, `json`, `dns`, …), once each. */
export const SETTINGS_BLOCKS: readonly string[] = [
  ...new Set(MONITOR_TYPE_LIST.flatMap((t) => Object.keys(t.settings))),
];

/** The settings blocks the type of that name takes; none for an unknown name. */
export function blocksOf(name: unknown): readonly string[] {
  const type = monitorType(name);
  return type ? Object.keys(type.settings) : [];
}

/** Every assertion subject the API accepts: the built-in ones, then those the types add. */
export const ASSERTION_SUBJECT_NAMES: readonly [string, ...string[]] = [
  ...new Set<string>([...ASSERTION_SUBJECTS, ...MONITOR_TYPE_LIST.flatMap((t) => t.subjects)]),
] as [string, ...string[]];

/** Whether the scheduler runs checks of this type (false for pushed-to types such as heartbeat). */
export function isProbed(name: unknown): boolean {
  return monitorType(name)?.passive !== true;
}
