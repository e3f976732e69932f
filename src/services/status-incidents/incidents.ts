import { AppError, type FieldIssue } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { owePageNotices } from "../status-subscriptions/notices.ts";
import {
  componentProblems,
  incidentViews,
  loadIncident,
  requireIncidentRow,
  requirePageOf,
  setComponents,
} from "./store.ts";
import {
  type CreateIncidentInput,
  type IncidentKind,
  isClosedStatus,
  STATUS_INCIDENT_LIMITS,
  type StatusIncident,
  type StatusIncidentStatus,
  statusesOf,
  type UpdateIncidentInput,
} from "./types.ts";

/** Tells the public side that a page's incidents changed (drops its cached read model). */
export function announcePageChange(ctx: Ctx, pageId: string): void {
  ctx.bus.publish({ type: "status_page.changed", organizationId: ctx.organizationId, pageId });
}

/** A status that is not one of the kind's refuses the request, naming the field. */
export function statusProblem(kind: IncidentKind, status: StatusIncidentStatus, path: string): FieldIssue[] {
  return statusesOf(kind).includes(status)
    ? []
    : [
        {
          path,
          message: `must be one of ${statusesOf(kind).join(", ")} for ${kind === "incident" ? "an incident" : "maintenance"}`,
        },
      ];
}

function windowProblems(from: string | null | undefined, until: string | null | undefined): FieldIssue[] {
  if (!from || !until) return [];
  return Date.parse(until) > Date.parse(from)
    ? []
    : [{ path: "body.scheduledUntil", message: "must be after scheduledFor" }];
}

function refuse(issues: FieldIssue[]): void {
  if (issues.length > 0)
    throw new AppError("VALIDATION", "The incident is not acceptable", { errors: issues });
}

/**
 * Posts an incident or a maintenance announcement on a page with its first update. Published at
 * once when `published`, else kept as a draft until `publishStatusIncident`. Audited.
 */
export async function createStatusIncident(
  ctx: Ctx,
  pageId: string,
  input: CreateIncidentInput,
): Promise<StatusIncident> {
  const status = input.status ?? (input.kind === "incident" ? "investigating" : "scheduled");
  const view = await ctx.db.transaction().execute(async (tx) => {
    await requirePageOf(tx, ctx, pageId);
    refuse([
      ...statusProblem(input.kind, status, "body.status"),
      ...windowProblems(input.scheduledFor, input.scheduledUntil),
      ...(await componentProblems(tx, ctx, pageId, input.componentIds)),
    ]);
    const count = await tx
      .selectFrom("status_incidents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("page_id", "=", pageId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= STATUS_INCIDENT_LIMITS.incidentsPerPage) {
      throw new AppError("LIMIT_EXCEEDED", "This page has reached its limit of incidents; delete old ones");
    }
    const now = new Date(ctx.clock.now());
    const id = newId("spi", now.getTime());
    await tx
      .insertInto("status_incidents")
      .values({
        id,
        organization_id: ctx.organizationId,
        page_id: pageId,
        kind: input.kind,
        title: input.title,
        status,
        impact: input.impact,
        published: input.published,
        published_at: input.published ? now : null,
        monitor_incident_id: input.monitorIncidentId ?? null,
        scheduled_for: input.scheduledFor ?? null,
        scheduled_until: input.scheduledUntil ?? null,
        postmortem: null,
        created_at: now,
        updated_at: now,
        resolved_at: isClosedStatus(status) ? now : null,
      })
      .execute();
    await setComponents(tx, ctx, pageId, id, input.componentIds);
    await insertUpdate(tx, ctx, id, status, input.message, now);
    await audit(tx, ctx, {
      action: "status_incident.create",
      target: { type: "status_incident", id },
      summary: {
        pageId,
        kind: input.kind,
        title: input.title,
        status,
        impact: input.impact,
        published: input.published,
        ...(input.monitorIncidentId ? { monitorIncidentId: input.monitorIncidentId } : {}),
      },
    });
    if (input.published) await owePageNotices(tx, ctx, id, "published");
    return loadIncident(tx, ctx, pageId, id);
  });
  announcePageChange(ctx, pageId);
  return view;
}

/** Adds one entry to an incident's timeline. */
export async function insertUpdate(
  tx: Db,
  ctx: Ctx,
  incidentId: string,
  status: StatusIncidentStatus,
  body: string,
  at: Date,
): Promise<void> {
  await tx
    .insertInto("status_incident_updates")
    .values({
      id: newId("spu", at.getTime()),
      incident_id: incidentId,
      organization_id: ctx.organizationId,
      status,
      body,
      created_at: at,
    })
    .execute();
}

/**
 * Changes an incident's title, impact, components, window or postmortem (its status changes only
 * through updates). A postmortem is accepted only once the incident is resolved. Audited.
 */
export async function updateStatusIncident(
  ctx: Ctx,
  pageId: string,
  id: string,
  input: UpdateIncidentInput,
): Promise<StatusIncident> {
  const view = await ctx.db.transaction().execute(async (tx) => {
    const row = await requireIncidentRow(tx, ctx, pageId, id, true);
    const issues = windowProblems(
      input.scheduledFor === undefined ? row.scheduled_for?.toISOString() : input.scheduledFor,
      input.scheduledUntil === undefined ? row.scheduled_until?.toISOString() : input.scheduledUntil,
    );
    if (input.postmortem && !isClosedStatus(row.status as StatusIncidentStatus)) {
      issues.push({ path: "body.postmortem", message: "can be attached once the incident is resolved" });
    }
    refuse(issues);
    await tx
      .updateTable("status_incidents")
      .set({
        title: input.title,
        impact: input.impact,
        scheduled_for: input.scheduledFor,
        scheduled_until: input.scheduledUntil,
        postmortem: input.postmortem,
        updated_at: new Date(ctx.clock.now()),
      })
      .where("id", "=", id)
      .execute();
    if (input.componentIds) await setComponents(tx, ctx, pageId, id, input.componentIds);
    const { postmortem, ...rest } = input;
    await audit(tx, ctx, {
      action: "status_incident.update",
      target: { type: "status_incident", id },
      summary: { pageId, ...rest, ...(postmortem !== undefined ? { postmortemChanged: true } : {}) },
    });
    return loadIncident(tx, ctx, pageId, id);
  });
  announcePageChange(ctx, pageId);
  return view;
}

/** Makes a draft public (it shows on the page, its JSON and feeds). Publishing twice is a no-op. */
export async function publishStatusIncident(ctx: Ctx, pageId: string, id: string): Promise<StatusIncident> {
  const view = await ctx.db.transaction().execute(async (tx) => {
    const row = await requireIncidentRow(tx, ctx, pageId, id, true);
    if (!row.published) {
      const now = new Date(ctx.clock.now());
      await tx
        .updateTable("status_incidents")
        .set({ published: true, published_at: now, updated_at: now })
        .where("id", "=", id)
        .execute();
      await audit(tx, ctx, {
        action: "status_incident.publish",
        target: { type: "status_incident", id },
        summary: { pageId, title: row.title },
      });
      await owePageNotices(tx, ctx, id, "published");
    }
    return loadIncident(tx, ctx, pageId, id);
  });
  announcePageChange(ctx, pageId);
  return view;
}

/** Deletes an incident with its timeline. Audited. */
export async function deleteStatusIncident(ctx: Ctx, pageId: string, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await requireIncidentRow(tx, ctx, pageId, id, true);
    await tx.deleteFrom("status_incidents").where("id", "=", id).execute();
    await audit(tx, ctx, {
      action: "status_incident.delete",
      target: { type: "status_incident", id },
      summary: { pageId, title: row.title },
    });
  });
  announcePageChange(ctx, pageId);
}

/** One incident of the page with its components and timeline. */
export async function getStatusIncident(ctx: Ctx, pageId: string, id: string): Promise<StatusIncident> {
  return loadIncident(ctx.db, ctx, pageId, id);
}

/** The page's incidents (drafts included), newest first, `limit` per page of results. */
export async function listStatusIncidents(
  ctx: Ctx,
  pageId: string,
  options: { page: number; limit: number; published?: boolean },
): Promise<StatusIncident[]> {
  await requirePageOf(ctx.db, ctx, pageId);
  let q = ctx.db
    .selectFrom("status_incidents")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId);
  if (options.published !== undefined) q = q.where("published", "=", options.published);
  const rows = await q
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit)
    .offset((options.page - 1) * options.limit)
    .execute();
  return incidentViews(ctx.db, ctx.organizationId, rows);
}
