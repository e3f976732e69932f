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
  return { ...row, timeline: events, affectedDependents, acknowledgement };
}
