import type { components, paths } from "../../api/schema";

export type Monitor = components["schemas"]["Monitor"];
export type MonitorSummary =
  paths["/api/v1/monitors/summaries"]["get"]["responses"]["200"]["content"]["application/json"]["items"][number];

/** The list's type filter: every type in src/monitor-types/registry.ts (the API's `type` union). */
export const MONITOR_TYPES = [
  "http",
  "keyword",
  "json",
  "tcp",
  "dns",
  "tls",
  "heartbeat",
  "postgres",
  "mysql",
  "redis",
  "rabbitmq",
  "mqtt",
  "nats",
  "smtp",
  "udp",
  "websocket",
  "grpc",
  "domain",
  "icmp",
  "multistep",
  "browser",
] as const;
/** Every type the API accepts: the create body is a union discriminated by `type`. */
type ApiMonitorType = paths["/api/v1/monitors"]["post"]["requestBody"]["content"]["application/json"]["type"];
/** Fails the type check when the API gains a monitor type this list lacks. */
type MissingType = Exclude<ApiMonitorType, (typeof MONITOR_TYPES)[number]>;
export const LIST_KNOWS_EVERY_TYPE: [MissingType] extends [never] ? true : MissingType = true;
export const MONITOR_STATES = [
  "down",
  "degraded",
  "affected",
  "pending",
  "maintenance",
  "paused",
  "up",
] as const;
export type SortKey = "newest" | "name" | "state" | "uptime";

/** Worst first: the order a list sorted by state and the wall view use. */
const STATE_RANK: Record<string, number> = Object.fromEntries(MONITOR_STATES.map((s, i) => [s, i]));
export const stateRank = (state: string): number => STATE_RANK[state] ?? MONITOR_STATES.length;

export interface ListFilter {
  q?: string;
  state?: string;
  type?: string;
  tag?: string;
}

/**
 * Whether a loaded monitor still matches the filter the server applied. A live state change can
 * take a monitor out of a state filter; the list hides it until the next fetch.
 */
export function matchesFilter(m: Monitor, f: ListFilter): boolean {
  if (f.state && m.state !== f.state) return false;
  if (f.type && m.type !== f.type) return false;
  if (f.tag && !m.tags.includes(f.tag)) return false;
  if (f.q && !m.name.toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

/** A stable sort of the loaded monitors; `newest` keeps the server's order (newest first). */
/**
 * Names in the reader's order, numbers by value ("web-2" before "web-10"). One collator for every
 * comparison: `localeCompare` with options looks its collator up per call (in Node here, sorting
 * 10,000 names took 1.2–1.6 s that way and 37–80 ms with one Intl.Collator).
 */
const NAME_ORDER = new Intl.Collator(undefined, { numeric: true });

export function sortMonitors(
  monitors: Monitor[],
  sort: SortKey,
  uptimeOf: (id: string) => number | null | undefined = () => undefined,
): Monitor[] {
  if (sort === "newest") return monitors;
  const byName = (a: Monitor, b: Monitor) => NAME_ORDER.compare(a.name, b.name);
  const out = [...monitors];
  if (sort === "name") return out.sort(byName);
  if (sort === "state") return out.sort((a, b) => stateRank(a.state) - stateRank(b.state) || byName(a, b));
  // Uptime, lowest first (the ones to look at); monitors without figures last.
  const u = (m: Monitor) => uptimeOf(m.id) ?? Number.POSITIVE_INFINITY;
  return out.sort((a, b) => u(a) - u(b) || byName(a, b));
}

/**
 * The previous name-sorted list with each monitor replaced by its new version, when the same
 * monitors with the same names are shown (a live state change then re-sorts nothing: O(n), not
 * O(n log n) comparisons of 10,000 names); undefined when anything else changed.
 */
export function sameNameOrder(previous: Monitor[] | undefined, monitors: Monitor[]): Monitor[] | undefined {
  if (!previous || previous.length !== monitors.length) return undefined;
  const now = new Map(monitors.map((m) => [m.id, m]));
  if (now.size !== monitors.length) return undefined;
  const out: Monitor[] = [];
  const seen = new Set<string>();
  for (const p of previous) {
    const m = now.get(p.id);
    if (!m || m.name !== p.name || seen.has(p.id)) return undefined;
    seen.add(p.id);
    out.push(m);
  }
  return out;
}

export type ListRow =
  | { kind: "group"; key: string; tag: string | null; count: number; down: number; collapsed: boolean }
  | { kind: "monitor"; key: string; monitor: Monitor };

/**
 * The rows the virtual list draws. Grouped by tag, a monitor with several tags appears under
 * each; untagged ones come last under "no tag"; a collapsed group keeps only its header.
 */
export function buildRows(
  monitors: Monitor[],
  groupByTag: boolean,
  collapsed: ReadonlySet<string>,
): ListRow[] {
  if (!groupByTag) return monitors.map((m) => ({ kind: "monitor", key: m.id, monitor: m }));
  const groups = new Map<string, Monitor[]>();
  const untagged: Monitor[] = [];
  for (const m of monitors) {
    if (m.tags.length === 0) untagged.push(m);
    for (const tag of m.tags) {
      let list = groups.get(tag);
      if (!list) {
        list = [];
        groups.set(tag, list);
      }
      list.push(m);
    }
  }
  const ordered: Array<[string | null, Monitor[]]> = [...groups.entries()].sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (untagged.length > 0) ordered.push([null, untagged]);
  const rows: ListRow[] = [];
  for (const [tag, members] of ordered) {
    const key = groupKey(tag);
    const isCollapsed = collapsed.has(key);
    rows.push({
      kind: "group",
      key: `group:${key}`,
      tag,
      count: members.length,
      down: members.filter((m) => m.state === "down").length,
      collapsed: isCollapsed,
    });
    if (!isCollapsed)
      for (const m of members) rows.push({ kind: "monitor", key: `${key}:${m.id}`, monitor: m });
  }
  return rows;
}

export const groupKey = (tag: string | null): string => (tag === null ? "\u0000untagged" : tag);

/** Tags seen on the loaded monitors, sorted, for the tag filter's suggestions. */
export function knownTags(monitors: Monitor[]): string[] {
  const tags = new Set<string>();
  for (const m of monitors) for (const tag of m.tags) tags.add(tag);
  return [...tags].sort();
}

/** Selection of monitors by id (a monitor shown in two groups is one selection). */
export function toggleSelected(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** Shift-click: everything between the anchor and `id` (in the order shown) takes `id`'s new value. */
export function selectRange(
  selected: ReadonlySet<string>,
  shown: string[],
  anchor: string | undefined,
  id: string,
): Set<string> {
  const from = anchor === undefined ? -1 : shown.indexOf(anchor);
  const to = shown.indexOf(id);
  if (from < 0 || to < 0) return toggleSelected(selected, id);
  const on = !selected.has(id);
  const next = new Set(selected);
  for (const x of shown.slice(Math.min(from, to), Math.max(from, to) + 1)) {
    if (on) next.add(x);
    else next.delete(x);
  }
  return next;
}

/** The header checkbox: whether every monitor in view is selected, some, or none. */
export function selectionOf(selected: ReadonlySet<string>, shown: string[]): "all" | "some" | "none" {
  if (shown.length === 0) return "none";
  let n = 0;
  for (const id of shown) if (selected.has(id)) n++;
  return n === 0 ? "none" : n === shown.length ? "all" : "some";
}

/** Select-all-in-view toggles: all selected → none of them; otherwise all of them (others kept). */
export function toggleAll(selected: ReadonlySet<string>, shown: string[]): Set<string> {
  const next = new Set(selected);
  if (selectionOf(selected, shown) === "all") for (const id of shown) next.delete(id);
  else for (const id of shown) next.add(id);
  return next;
}

/** Splits ids into the chunks one bulk request takes. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Uptime as the list shows it: "99.95 %", or an en dash without data. */
export function formatUptime(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "–";
  const pct = ratio * 100;
  return `${pct === 100 ? "100" : pct >= 99.995 ? "99.99" : pct.toFixed(2)} %`;
}
