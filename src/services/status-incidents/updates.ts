import { AppError } from "../../lib/errors.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { owePageNotices } from "../status-subscriptions/notices.ts";
import { announcePageChange, insertUpdate, statusProblem } from "./incidents.ts";
import { loadIncident, requireIncidentRow } from "./store.ts";
import {
  type AddUpdateInput,
  type IncidentKind,
  isClosedStatus,
  STATUS_INCIDENT_LIMITS,
  type StatusIncident,
} from "./types.ts";

/**
 * Posts an update on an incident's timeline and moves the incident to the update's status.
 * Resolving (or completing maintenance) stamps `resolvedAt`; a later update reopens it. A
 * postmortem may come with the resolving update. Audited.
 */
export async function addStatusIncidentUpdate(
  ctx: Ctx,
  pageId: string,
  id: string,
  input: AddUpdateInput,
): Promise<StatusIncident> {
  const view = await ctx.db.transaction().execute(async (tx) => {
    const row = await requireIncidentRow(tx, ctx, pageId, id, true);
    const issues = statusProblem(row.kind as IncidentKind, input.status, "body.status");
    if (input.postmortem !== undefined && !isClosedStatus(input.status)) {
      issues.push({ path: "body.postmortem", message: "can be attached only when resolving" });
    }
    if (issues.length > 0)
      throw new AppError("VALIDATION", "The update is not acceptable", { errors: issues });
    const count = await tx
      .selectFrom("status_incident_updates")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("incident_id", "=", id)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= STATUS_INCIDENT_LIMITS.updatesPerIncident) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `An incident has at most ${STATUS_INCIDENT_LIMITS.updatesPerIncident} updates`,
      );
    }
    const now = new Date(ctx.clock.now());
    await insertUpdate(tx, ctx, id, input.status, input.body, now);
    const closed = isClosedStatus(input.status);
    await tx
      .updateTable("status_incidents")
      .set({
        status: input.status,
        updated_at: now,
        resolved_at: closed ? (row.resolved_at ?? now) : null,
        postmortem: input.postmortem,
      })
      .where("id", "=", id)
      .execute();
    await audit(tx, ctx, {
      action: "status_incident.post_update",
      target: { type: "status_incident", id },
      summary: {
        pageId,
        status: input.status,
        ...(input.postmortem !== undefined ? { postmortem: true } : {}),
      },
    });
    await owePageNotices(tx, ctx, id, closed ? "resolved" : "updated");
    return loadIncident(tx, ctx, pageId, id);
  });
  announcePageChange(ctx, pageId);
  return view;
}
