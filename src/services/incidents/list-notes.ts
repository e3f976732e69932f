import type { Ctx } from "../context.ts";
import { actorFromRow, requireIncident } from "./activity.ts";
import type { IncidentNote } from "./add-note.ts";

/** An incident's notes, oldest first (there are at most INCIDENT_NOTES_PER_INCIDENT). */
export async function listIncidentNotes(ctx: Ctx, incidentId: string): Promise<IncidentNote[]> {
  await requireIncident(ctx.db, ctx, incidentId);
  const rows = await ctx.db
    .selectFrom("incident_activity")
    .select(["id", "at", "by_type", "by_id", "by_label", "body"])
    .where("organization_id", "=", ctx.organizationId)
    .where("incident_id", "=", incidentId)
    .where("kind", "=", "note")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, incidentId, at: r.at, by: actorFromRow(r), body: r.body ?? "" }));
}
