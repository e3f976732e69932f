import {
  activeIncidents,
  openMaintenance,
  type PublicIncident,
} from "../services/status-incidents/public.ts";
import { componentStatusOf } from "../services/status-pages/model.ts";
import type { PageSnapshot } from "../services/status-pages/snapshot.ts";
import { allComponents } from "./view.ts";

/**
 * Published status-page incidents in Statuspage's public API v2 shape: `incidents` lists the
 * unresolved ones, `scheduled_maintenances` the announced maintenance not completed yet. Update
 * bodies are the markdown as written (Statuspage's are plain text).
 */
export function statuspageIncident(snapshot: PageSnapshot, i: PublicIncident, publicUrl: string) {
  const components = new Map(allComponents(snapshot).map((c) => [c.id, c]));
  const monitoring = [...i.updates].reverse().find((u) => u.status === "monitoring");
  const first = i.updates[i.updates.length - 1];
  return {
    id: i.id,
    name: i.title,
    status: i.status,
    impact: i.kind === "maintenance" ? "maintenance" : i.impact,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    monitoring_at: monitoring?.createdAt.toISOString() ?? null,
    resolved_at: i.resolvedAt?.toISOString() ?? null,
    started_at: (first?.createdAt ?? i.createdAt).toISOString(),
    ...(i.kind === "maintenance"
      ? {
          scheduled_for: i.scheduledFor?.toISOString() ?? null,
          scheduled_until: i.scheduledUntil?.toISOString() ?? null,
        }
      : {}),
    shortlink: `${publicUrl.replace(/\/$/, "")}/status/${snapshot.page.slug}#incident-${i.id}`,
    page_id: snapshot.page.id,
    incident_updates: i.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: i.id,
      created_at: u.createdAt.toISOString(),
      updated_at: u.createdAt.toISOString(),
      display_at: u.createdAt.toISOString(),
      affected_components: null,
    })),
    components: i.componentIds.flatMap((id) => {
      const c = components.get(id);
      return c ? [{ id, name: c.name, status: componentStatusOf(c.state) }] : [];
    }),
  };
}

/** summary.json's `incidents`: unresolved published incidents, newest first. */
export function openIncidentsJson(snapshot: PageSnapshot, publicUrl: string) {
  return activeIncidents(snapshot.incidents).map((i) => statuspageIncident(snapshot, i, publicUrl));
}

/** Announced maintenance for summary.json's `scheduled_maintenances`. */
export function announcedMaintenanceJson(snapshot: PageSnapshot, publicUrl: string) {
  return openMaintenance(snapshot.incidents).map((i) => statuspageIncident(snapshot, i, publicUrl));
}
