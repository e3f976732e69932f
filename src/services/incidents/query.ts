import { NotFoundError } from "../../lib/errors.ts";
import { findIncidentRow, listEventRows, listIncidentRows } from "../../storage/repos/incidents.repo.ts";
import { findAcknowledgement } from "../alerts/acknowledge.ts";
import type { Ctx } from "../context.ts";
import { listAffectedDependents } from "../dependencies/incident-dependents.ts";
import { requireMonitor } from "../monitors/query.ts";
import { toPage } from "../page.ts";

function page<T extends { id: string }>(rows: T[], limit: number) {
  return toPage(
    rows,
    limit,
    (r) => r,
    (r) => r.id,
  );
}

export async function listEvents(ctx: Ctx, filter: { monitorId?: string; cursor?: string; limit: number }) {
  if (filter.monitorId) await requireMonitor(ctx, filter.monitorId);
  return page(
    await listEventRows(ctx.db, ctx.organizationId, { ...filter, after: filter.cursor }, filter.limit),
    filter.limit,
  );
}

export async function listIncidents(
  ctx: Ctx,
  filter: { monitorId?: string; status?: string; cursor?: string; limit: number },
) {
  return page(
    await listIncidentRows(ctx.db, ctx.organizationId, { ...filter, after: filter.cursor }, filter.limit),
    filter.limit,
  );
}

export async function getIncident(ctx: Ctx, id: string) {
  const row = await findIncidentRow(ctx.db, ctx.organizationId, id);
  if (!row) throw new NotFoundError("incident", id);
  const events = await ctx.db
    .selectFrom("monitor_events")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("incident_id", "=", id)
    .orderBy("id")
    .execute();
  const affectedDependents = await listAffectedDependents(ctx.db, ctx.organizationId, id);
  const acknowledgement = await findAcknowledgement(ctx.db, ctx.organizationId, id);
  const monitor = await ctx.db
    .selectFrom("monitors as m")
    .leftJoin("monitor_state as s", "s.monitor_id", "m.id")
    .select(["m.id", "m.name", "m.type", "s.state"])
    .where("m.id", "=", row.monitor_id)
    .executeTakeFirstOrThrow();
  // The assignee is shown while they are a member; someone who left shows as unassigned.
  const assignee = row.assignee_id
    ? ((await ctx.db
        .selectFrom("memberships as ms")
        .innerJoin("users as u", "u.id", "ms.user_id")
        .select(["u.id", "u.name", "u.email"])
        .where("ms.organization_id", "=", ctx.organizationId)
        .where("ms.user_id", "=", row.assignee_id)
        .executeTakeFirst()) ?? null)
    : null;
  const statusPageIncidents = await ctx.db
    .selectFrom("status_incidents")
    .select(["id", "page_id", "published"])
    .where("organization_id", "=", ctx.organizationId)
    .where("monitor_incident_id", "=", id)
    .orderBy("id")
    .execute();
  return {
    ...row,
    monitor: { id: monitor.id, name: monitor.name, type: monitor.type, state: monitor.state ?? "pending" },
    assignee,
    timeline: events,
    affectedDependents,
    acknowledgement,
    statusPageIncidents,
  };
}

/** An incident as getIncident returns it. */
export type IncidentView = Awaited<ReturnType<typeof getIncident>>;
