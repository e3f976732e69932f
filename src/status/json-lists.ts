import type { StatusIncidentStatus } from "../services/status-incidents/types.ts";
import type { PageSnapshot } from "../services/status-pages/snapshot.ts";
import { openIncidentsJson, statuspageIncident } from "./incidents-json.ts";
import { componentsJson, pagePart, windowMaintenanceJson } from "./json.ts";

/**
 * The rest of Statuspage's public API v2 (docs/status-pages.md): each list with the `page` part
 * first, in Statuspage's shapes and orders. Only published incidents and announcements appear.
 */

/** Statuspage lists at most this many incidents or maintenances. */
export const V2_LIST_LIMIT = 50;

const byCreatedDesc = (a: { createdAt: Date }, b: { createdAt: Date }) =>
  b.createdAt.getTime() - a.createdAt.getTime();

/** `components.json`: the page and its components (groups included). */
export function componentsListJson(snapshot: PageSnapshot, publicUrl: string) {
  return { page: pagePart(snapshot, publicUrl), components: componentsJson(snapshot) };
}

/**
 * `incidents.json`: the 50 most recent incidents (unresolved ones and those resolved within the
 * page's history days), newest first; maintenance is listed by the maintenance routes.
 */
export function incidentsListJson(snapshot: PageSnapshot, publicUrl: string) {
  const incidents = snapshot.incidents
    .filter((i) => i.kind === "incident")
    .sort(byCreatedDesc)
    .slice(0, V2_LIST_LIMIT);
  return {
    page: pagePart(snapshot, publicUrl),
    incidents: incidents.map((i) => statuspageIncident(snapshot, i, publicUrl)),
  };
}

/** `incidents/unresolved.json`: every unresolved incident, newest first. */
export function unresolvedIncidentsJson(snapshot: PageSnapshot, publicUrl: string) {
  return { page: pagePart(snapshot, publicUrl), incidents: openIncidentsJson(snapshot, publicUrl) };
}

/** Which maintenances a list holds: all, upcoming (`scheduled`) or active (`in_progress`). */
export type MaintenanceList = "all" | "upcoming" | "active";

/**
 * `scheduled-maintenances.json` (the 50 most recent), `…/upcoming.json` (scheduled) and
 * `…/active.json` (in progress): maintenance windows of the page's components (ongoing and the
 * next 30 days), then the page's maintenance announcements, newest first.
 */
export function maintenancesJson(snapshot: PageSnapshot, publicUrl: string, list: MaintenanceList) {
  const wanted: StatusIncidentStatus | undefined =
    list === "upcoming" ? "scheduled" : list === "active" ? "in_progress" : undefined;
  const announced = snapshot.incidents
    .filter((i) => i.kind === "maintenance" && (wanted === undefined || i.status === wanted))
    .sort(byCreatedDesc);
  const windows = windowMaintenanceJson(
    snapshot,
    publicUrl,
    wanted as "scheduled" | "in_progress" | undefined,
  );
  const all = [...windows, ...announced.map((i) => statuspageIncident(snapshot, i, publicUrl))];
  return {
    page: pagePart(snapshot, publicUrl),
    scheduled_maintenances: list === "all" ? all.slice(0, V2_LIST_LIMIT) : all,
  };
}
