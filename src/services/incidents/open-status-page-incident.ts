import type { WorkflowStatus } from "../../domain/incident-workflow.ts";
import { AppError } from "../../lib/errors.ts";
import type { Ctx } from "../context.ts";
import { draftImpact } from "../status-incidents/drafts.ts";
import { createStatusIncident, getStatusIncident } from "../status-incidents/incidents.ts";
import { requirePageOf } from "../status-incidents/store.ts";
import { type Impact, STATUS_INCIDENT_LIMITS, type StatusIncident } from "../status-incidents/types.ts";
import { requireIncident } from "./activity.ts";

const TITLES: Record<Impact, string> = {
  none: "Service notice",
  minor: "Degraded service",
  major: "Partial outage",
  critical: "Major outage",
};

const FIRST_UPDATE: Record<WorkflowStatus, (names: string) => string> = {
  investigating: (n) => `We are investigating problems with ${n}.`,
  identified: (n) => `We have identified the cause of the problems with ${n} and are working on a fix.`,
  monitoring: (n) => `A fix for the problems with ${n} is in place; we are monitoring the results.`,
  resolved: (n) => `The problems with ${n} have been resolved.`,
};

/**
 * Opens a DRAFT status-page incident on `pageId` prefilled from a monitor incident: the page's
 * components for the monitor and for the dependents it affected, an impact from their states
 * (draftImpact), a title and a first update in the incident's workflow status (the same four
 * words). Names are the page's display names, never the monitor's. A page that already has a
 * draft or incident made from this incident (e.g. prepared when it opened) gets that one back.
 */
export async function openStatusPageIncident(
  ctx: Ctx,
  incidentId: string,
  pageId: string,
): Promise<{ statusIncident: StatusIncident; created: boolean }> {
  // The route needs status-pages:write; reading the incident needs incidents:read as well.
  if (ctx.actor.kind !== "system" && !ctx.actor.permissions.has("incidents:read")) {
    throw new AppError("FORBIDDEN", "This needs the incidents:read permission as well");
  }
  const incident = await requireIncident(ctx.db, ctx, incidentId);
  await requirePageOf(ctx.db, ctx, pageId);
  const existing = await ctx.db
    .selectFrom("status_incidents")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .where("monitor_incident_id", "=", incidentId)
    .executeTakeFirst();
  if (existing) return { statusIncident: await getStatusIncident(ctx, pageId, existing.id), created: false };
  const affected = new Set([
    incident.monitor_id,
    ...(
      await ctx.db
        .selectFrom("incident_dependents")
        .select("monitor_id")
        .where("organization_id", "=", ctx.organizationId)
        .where("incident_id", "=", incidentId)
        .execute()
    ).map((d) => d.monitor_id),
  ]);
  const components = await ctx.db
    .selectFrom("status_page_components as c")
    .innerJoin("status_page_groups as g", "g.id", "c.group_id")
    .leftJoin("monitor_state as s", "s.monitor_id", "c.monitor_id")
    .select(["c.monitor_id", "c.display_name", "s.state"])
    .where("c.page_id", "=", pageId)
    .where("c.organization_id", "=", ctx.organizationId)
    .orderBy("g.position")
    .orderBy("c.position")
    .execute();
  const hit = components.filter((c) => affected.has(c.monitor_id));
  const open = incident.status === "open";
  const impact =
    hit.length === 0
      ? "minor"
      : draftImpact(
          components.map((c) => (c.monitor_id === incident.monitor_id && open ? "down" : (c.state ?? ""))),
        );
  const names = hit.length > 0 ? hit.map((c) => c.display_name).join(", ") : "some of our services";
  const statusIncident = await createStatusIncident(ctx, pageId, {
    kind: "incident",
    title: `${TITLES[impact]}: ${names}`.slice(0, STATUS_INCIDENT_LIMITS.titleMax),
    status: incident.workflow_status,
    impact,
    componentIds: hit.map((c) => c.monitor_id),
    message: FIRST_UPDATE[incident.workflow_status](names),
    published: false,
    monitorIncidentId: incidentId,
  });
  return { statusIncident, created: true };
}
