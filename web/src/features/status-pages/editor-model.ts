import type { components } from "../../api/schema";

/** A status page as the API returns it. */
export type StatusPage = components["schemas"]["StatusPage"];
export type Theme = StatusPage["colors"]["light"];
export type Visibility = StatusPage["visibility"];
export const VISIBILITIES: Visibility[] = ["public", "password", "members"];
export const HISTORY_DAYS = [30, 90, 365] as const;
export type HistoryDays = (typeof HISTORY_DAYS)[number];

/** One component being edited; `key` is stable while it moves (React keys, focus after a move). */
export interface DraftComponent {
  key: string;
  monitorId: string;
  displayName: string;
}
export interface DraftGroup {
  key: string;
  name: string;
  components: DraftComponent[];
}

/** A footer link being edited; `key` tells the rows apart while they are added and removed. */
export interface DraftLink {
  key: string;
  label: string;
  url: string;
}

/** The editor's unsaved state of a page: every field as typed. */
export interface Draft {
  slug: string;
  title: string;
  description: string;
  logoUrl: string;
  faviconUrl: string;
  footerText: string;
  footerLinks: DraftLink[];
  historyDays: HistoryDays;
  visibility: Visibility;
  /** Empty keeps the stored password. */
  password: string;
  autoPublish: boolean;
  colors: { light: Theme; dark: Theme };
  groups: DraftGroup[];
}

let counter = 0;
export const newKey = (prefix: string) => `${prefix}-${++counter}`;

export function fromPage(page: StatusPage): Draft {
  return {
    slug: page.slug,
    title: page.title,
    description: page.description ?? "",
    logoUrl: page.logoUrl ?? "",
    faviconUrl: page.faviconUrl ?? "",
    footerText: page.footerText ?? "",
    footerLinks: page.footerLinks.map((l, i) => ({
      key: `link-${page.id}-${i}`,
      label: l.label,
      url: l.url,
    })),
    historyDays: (HISTORY_DAYS as readonly number[]).includes(page.historyDays)
      ? (page.historyDays as HistoryDays)
      : 90,
    visibility: page.visibility,
    password: "",
    autoPublish: page.autoPublish,
    colors: { light: { ...page.colors.light }, dark: { ...page.colors.dark } },
    groups: page.groups.map((g) => ({
      key: g.id,
      name: g.name,
      components: g.components.map((c) => ({
        key: c.monitorId,
        monitorId: c.monitorId,
        displayName: c.displayName,
      })),
    })),
  };
}

/** The PATCH body for a draft: every setting, groups in their order, a password only when typed. */
export function toBody(d: Draft) {
  return {
    slug: d.slug.trim(),
    title: d.title.trim(),
    description: d.description.trim() || null,
    logoUrl: d.logoUrl.trim() || null,
    faviconUrl: d.faviconUrl.trim() || null,
    footerText: d.footerText.trim() || null,
    footerLinks: d.footerLinks.map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
    historyDays: d.historyDays,
    visibility: d.visibility,
    autoPublish: d.autoPublish,
    colors: d.colors,
    ...(d.password && d.visibility === "password" ? { password: d.password } : {}),
    groups: d.groups.map((g) => ({
      name: g.name.trim(),
      components: g.components.map((c) => ({ monitorId: c.monitorId, displayName: c.displayName.trim() })),
    })),
  };
}

/** A copy of `list` with the item at `from` moved to `to` (clamped to the list). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1) as [T];
  out.splice(target, 0, item);
  return out;
}

/** Where a component sits: its group's index and its index in that group. */
export interface Place {
  group: number;
  index: number;
}

/**
 * Moves a component to another place, in its group or into another one (`to.index` may be the
 * target group's length, the end). Returns the groups unchanged when `from` is not a component.
 */
export function moveComponent(groups: readonly DraftGroup[], from: Place, to: Place): DraftGroup[] {
  const source = groups[from.group];
  const item = source?.components[from.index];
  if (!source || !item || !groups[to.group]) return [...groups];
  if (from.group === to.group) {
    return groups.map((g, i) =>
      i === from.group ? { ...g, components: moveItem(g.components, from.index, to.index) } : g,
    );
  }
  return groups.map((g, i) => {
    if (i === from.group) return { ...g, components: g.components.filter((_, j) => j !== from.index) };
    if (i === to.group) {
      const components = [...g.components];
      components.splice(Math.max(0, Math.min(components.length, to.index)), 0, item);
      return { ...g, components };
    }
    return g;
  });
}

/** Monitor ids already on the page (a monitor may be on a page once). */
export function usedMonitors(groups: readonly DraftGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.components.map((c) => c.monitorId)));
}
