import { type ComponentStatus, componentStatusOf } from "../services/status-pages/model.ts";
import type { PageSnapshot, PublicComponent, PublicMaintenance } from "../services/status-pages/snapshot.ts";
import { announcedMaintenanceJson, openIncidentsJson } from "./incidents-json.ts";
import { allComponents, pageStatus } from "./view.ts";

/**
 * The page in the shape of Atlassian Statuspage's public API v2 (docs/status-pages.md), so widgets
 * and tools that read Statuspage pages read Upblit pages too. Groups are components with
 * `group: true` and the ids of their components; component ids are monitor ids.
 */

export function pagePart(snapshot: PageSnapshot, publicUrl: string) {
  const { page } = snapshot;
  return {
    id: page.id,
    name: page.title,
    url: `${publicUrl.replace(/\/$/, "")}/status/${page.slug}`,
    time_zone: "Etc/UTC",
    updated_at: lastChange(snapshot).toISOString(),
  };
}

const latest = (dates: Date[]): Date => new Date(Math.max(...dates.map((d) => d.getTime())));

/** When a component last changed: its state's change, but never before it joined the page. */
export function componentUpdatedAt(c: PublicComponent): Date {
  return latest([c.createdAt, c.since]);
}

/**
 * When what the page shows last changed (not when it was read): the latest of the page's own
 * edit, its components' changes and its published incidents' changes.
 */
export function lastChange(snapshot: PageSnapshot): Date {
  return latest([
    snapshot.page.updatedAt,
    ...allComponents(snapshot).map(componentUpdatedAt),
    ...snapshot.incidents.map((i) => i.updatedAt),
  ]);
}

/** `/api/v2/status.json`: the page and its overall indicator. */
export function statusJson(snapshot: PageSnapshot, publicUrl: string) {
  return {
    page: pagePart(snapshot, publicUrl),
    status: pageStatus(snapshot),
  };
}

/** The page's components as Statuspage lists them: each group, then its components. */
export function componentsJson(snapshot: PageSnapshot) {
  const { page } = snapshot;
  const components: Array<Record<string, unknown>> = [];
  let position = 0;
  for (const group of snapshot.groups) {
    if (group.components.length === 0) continue;
    components.push({
      id: group.id,
      name: group.name,
      status: worstStatus(group.components.map((c) => componentStatusOf(c.state))),
      created_at: page.createdAt.toISOString(),
      updated_at: latest([page.createdAt, ...group.components.map(componentUpdatedAt)]).toISOString(),
      position: ++position,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: page.id,
      group: true,
      only_show_if_degraded: false,
      components: group.components.map((c) => c.id),
    });
    for (const c of group.components) {
      components.push({
        id: c.id,
        name: c.name,
        status: componentStatusOf(c.state),
        created_at: c.createdAt.toISOString(),
        updated_at: componentUpdatedAt(c).toISOString(),
        position: ++position,
        description: null,
        showcase: true,
        start_date: null,
        group_id: group.id,
        page_id: page.id,
        group: false,
        only_show_if_degraded: false,
      });
    }
  }
  return components;
}

/** Maintenance windows (ongoing and upcoming) of the page's components, as Statuspage maintenances. */
export function windowMaintenanceJson(
  snapshot: PageSnapshot,
  publicUrl: string,
  status?: PublicMaintenance["status"],
) {
  const { page } = snapshot;
  const components = new Map(allComponents(snapshot).map((c) => [c.id, c]));
  return snapshot.maintenance
    .filter((m) => status === undefined || m.status === status)
    .map((m) => ({
      id: m.id,
      name: m.title,
      status: m.status,
      impact: "maintenance",
      created_at: m.startsAt.toISOString(),
      updated_at: m.startsAt.toISOString(),
      monitoring_at: null,
      resolved_at: null,
      started_at: m.startsAt.toISOString(),
      scheduled_for: m.startsAt.toISOString(),
      scheduled_until: m.endsAt.toISOString(),
      shortlink: `${publicUrl.replace(/\/$/, "")}/status/${page.slug}`,
      page_id: page.id,
      incident_updates: [],
      components: m.componentIds.map((id) => {
        const c = components.get(id);
        return { id, name: c?.name ?? "", status: c ? componentStatusOf(c.state) : "operational" };
      }),
    }));
}

/**
 * `/api/v2/summary.json`: page, status, components (groups first in each group's place), open
 * incidents (published, unresolved) and scheduled maintenances (windows, then announcements).
 */
export function summaryJson(snapshot: PageSnapshot, publicUrl: string) {
  return {
    ...statusJson(snapshot, publicUrl),
    components: componentsJson(snapshot),
    incidents: openIncidentsJson(snapshot, publicUrl),
    scheduled_maintenances: [
      ...windowMaintenanceJson(snapshot, publicUrl),
      ...announcedMaintenanceJson(snapshot, publicUrl),
    ],
  };
}

const SEVERITY: readonly ComponentStatus[] = [
  "major_outage",
  "partial_outage",
  "degraded_performance",
  "under_maintenance",
  "operational",
];

/** A group reads as its worst component. */
function worstStatus(statuses: ComponentStatus[]): ComponentStatus {
  return SEVERITY.find((s) => statuses.includes(s)) ?? "operational";
}
