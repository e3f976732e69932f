import type { Selectable } from "kysely";
import { AppError, type FieldIssue, NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import type { StatusIncidentsTable } from "../../storage/schema-status-incidents.ts";
import type { Ctx } from "../context.ts";
import type {
  Impact,
  IncidentKind,
  IncidentUpdateView,
  StatusIncident,
  StatusIncidentStatus,
} from "./types.ts";

/** A status_incidents row as selected (timestamps as dates). */
export type IncidentRow = Selectable<StatusIncidentsTable>;

/** Rows to views: components in page order of insertion, updates newest first. */
export async function incidentViews(
  db: Db,
  organizationId: string,
  rows: IncidentRow[],
): Promise<StatusIncident[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const components = await db
    .selectFrom("status_incident_components as ic")
    .innerJoin("status_page_components as c", (j) =>
      j.onRef("c.page_id", "=", "ic.page_id").onRef("c.monitor_id", "=", "ic.monitor_id"),
    )
    .innerJoin("status_page_groups as g", "g.id", "c.group_id")
    .select(["ic.incident_id", "ic.monitor_id"])
    .where("ic.organization_id", "=", organizationId)
    .where("ic.incident_id", "in", ids)
    .orderBy("g.position")
    .orderBy("c.position")
    .execute();
  const updates = await db
    .selectFrom("status_incident_updates")
    .select(["id", "incident_id", "status", "body", "created_at"])
    .where("organization_id", "=", organizationId)
    .where("incident_id", "in", ids)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    pageId: r.page_id,
    kind: r.kind as IncidentKind,
    title: r.title,
    status: r.status as StatusIncidentStatus,
    impact: r.impact as Impact,
    published: r.published,
    publishedAt: r.published_at,
    monitorIncidentId: r.monitor_incident_id,
    componentIds: components.filter((c) => c.incident_id === r.id).map((c) => c.monitor_id),
    scheduledFor: r.scheduled_for,
    scheduledUntil: r.scheduled_until,
    postmortem: r.postmortem,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
    updates: updates
      .filter((u) => u.incident_id === r.id)
      .map(
        (u): IncidentUpdateView => ({
          id: u.id,
          status: u.status as StatusIncidentStatus,
          body: u.body,
          createdAt: u.created_at,
        }),
      ),
  }));
}

/** The organization's page, or NOT_FOUND (another organization's page looks the same). */
export async function requirePageOf(db: Db, ctx: Ctx, pageId: string): Promise<void> {
  const row = await db
    .selectFrom("status_pages")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", pageId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("status page", pageId);
}

/** The incident of this page and organization, locked when asked; NOT_FOUND otherwise. */
export async function requireIncidentRow(
  db: Db,
  ctx: Ctx,
  pageId: string,
  id: string,
  lock = false,
): Promise<IncidentRow> {
  let q = db
    .selectFrom("status_incidents")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .where("id", "=", id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError("status incident", id);
  return row;
}

/** One incident as a view. */
export async function loadIncident(db: Db, ctx: Ctx, pageId: string, id: string): Promise<StatusIncident> {
  const row = await requireIncidentRow(db, ctx, pageId, id);
  const [view] = await incidentViews(db, ctx.organizationId, [row]);
  if (!view) throw new NotFoundError("status incident", id);
  return view;
}

/** Problems with affected components: every id must be a component (monitor) of the page. */
export async function componentProblems(
  db: Db,
  ctx: Ctx,
  pageId: string,
  componentIds: string[],
): Promise<FieldIssue[]> {
  if (componentIds.length === 0) return [];
  const found = await db
    .selectFrom("status_page_components")
    .select("monitor_id")
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .where("monitor_id", "in", [...new Set(componentIds)])
    .execute();
  const known = new Set(found.map((f) => f.monitor_id));
  return componentIds.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `body.componentIds.${i}`, message: "is not a component of this page" }],
  );
}

/**
 * Replaces an incident's affected components. Anything that is not a component of the page is
 * refused like a component that does not exist (another organization's monitor included).
 */
export async function setComponents(
  tx: Db,
  ctx: Ctx,
  pageId: string,
  incidentId: string,
  componentIds: string[],
): Promise<void> {
  const issues = await componentProblems(tx, ctx, pageId, componentIds);
  if (issues.length > 0) throw new AppError("VALIDATION", "Unknown components", { errors: issues });
  const unique = [...new Set(componentIds)];
  await tx.deleteFrom("status_incident_components").where("incident_id", "=", incidentId).execute();
  if (unique.length === 0) return;
  await tx
    .insertInto("status_incident_components")
    .values(
      unique.map((monitorId) => ({
        incident_id: incidentId,
        page_id: pageId,
        monitor_id: monitorId,
        organization_id: ctx.organizationId,
      })),
    )
    .execute();
}
