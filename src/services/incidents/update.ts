import { canMoveWorkflow, type WorkflowStatus } from "../../domain/incident-workflow.ts";
import { AppError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { announceIncident, insertActivity, requireIncident, whoIsActing } from "./activity.ts";
import { getIncident, type IncidentView } from "./query.ts";

export interface UpdateIncidentInput {
  /** A member of the organization, or null to unassign. */
  assigneeId?: string | null;
  workflowStatus?: WorkflowStatus;
  /** Markdown; only once the incident is resolved (or in the request that resolves it); null removes it. */
  postmortem?: string | null;
}

/** A member's display name; undefined when the user is not a member of the organization. */
async function memberName(db: Db, ctx: Ctx, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("memberships as ms")
    .innerJoin("users as u", "u.id", "ms.user_id")
    .select(["u.name", "u.email"])
    .where("ms.organization_id", "=", ctx.organizationId)
    .where("ms.user_id", "=", userId)
    .executeTakeFirst();
  return row ? row.name || row.email : undefined;
}

/**
 * A person's changes to an incident: its assignee, its workflow status (WORKFLOW_TRANSITIONS) and
 * its postmortem. Each change is written to the incident's activity (its timeline) and audited;
 * live clients are told. The lifecycle (`status`, open until the monitor recovers) is not touched.
 */
export async function updateIncident(
  ctx: Ctx,
  id: string,
  input: UpdateIncidentInput,
): Promise<IncidentView> {
  const incident = await ctx.db.transaction().execute(async (tx) => {
    const row = await requireIncident(tx, ctx, id, true);
    let assigneeName: string | null = null;
    if (input.assigneeId) {
      const name = await memberName(tx, ctx, input.assigneeId);
      if (name === undefined) {
        throw new AppError("VALIDATION", "The assignee must be a member of this organization", {
          errors: [{ path: "body.assigneeId", message: "is not a member of this organization" }],
        });
      }
      assigneeName = name;
    }
    const from = row.workflow_status;
    const to = input.workflowStatus ?? from;
    if (!canMoveWorkflow(from, to)) {
      throw new AppError("CONFLICT", `This incident is ${from}; its status can no longer change`, {
        reason: "resolved",
        errors: [{ path: "body.workflowStatus", message: `cannot move from ${from} to ${to}` }],
      });
    }
    if (typeof input.postmortem === "string" && to !== "resolved") {
      throw new AppError("CONFLICT", "A postmortem can be written once the incident is resolved", {
        reason: "not_resolved",
        errors: [{ path: "body.postmortem", message: "allowed once workflowStatus is resolved" }],
      });
    }
    const by = await whoIsActing(tx, ctx);
    const changes: Record<string, unknown> = {};
    if (input.assigneeId !== undefined && input.assigneeId !== row.assignee_id) {
      const fromName = row.assignee_id ? ((await memberName(tx, ctx, row.assignee_id)) ?? null) : null;
      const data = { from: row.assignee_id, to: input.assigneeId, fromName, toName: assigneeName };
      await insertActivity(tx, ctx, id, by, { kind: "assignee", data });
      changes.assigneeId = { from: row.assignee_id, to: input.assigneeId };
    }
    if (to !== from) {
      await insertActivity(tx, ctx, id, by, { kind: "status", data: { from, to } });
      changes.workflowStatus = { from, to };
    }
    if (input.postmortem !== undefined && input.postmortem !== row.postmortem) {
      const action = input.postmortem === null ? "removed" : row.postmortem ? "edited" : "written";
      await insertActivity(tx, ctx, id, by, { kind: "postmortem", data: { action } });
      changes.postmortem = action;
    }
    if (Object.keys(changes).length === 0) return { row, changed: false };
    await tx
      .updateTable("incidents")
      .set({
        ...(changes.assigneeId ? { assignee_id: input.assigneeId } : {}),
        ...(changes.workflowStatus
          ? { workflow_status: to, ...(to === "resolved" ? { workflow_resolved_by: "person" as const } : {}) }
          : {}),
        ...(changes.postmortem ? { postmortem: input.postmortem } : {}),
        updated_at: new Date(ctx.clock.now()),
      })
      .where("id", "=", id)
      .execute();
    await audit(tx, ctx, { action: "incident.update", target: { type: "incident", id }, summary: changes });
    return { row, changed: true };
  });
  if (incident.changed) announceIncident(ctx, incident.row, "updated");
  return getIncident(ctx, id);
}
