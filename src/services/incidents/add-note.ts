import { INCIDENT_NOTES_PER_INCIDENT } from "../../domain/incident-workflow.ts";
import { AppError } from "../../lib/errors.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import {
  announceIncident,
  type IncidentActor,
  insertActivity,
  requireIncident,
  whoIsActing,
} from "./activity.ts";

export interface IncidentNote {
  id: string;
  incidentId: string;
  at: Date;
  by: IncidentActor;
  /** Markdown as written; rendered and sanitised when shown. */
  body: string;
}

/**
 * Adds a person's note (markdown) to an incident's timeline, open or resolved. At most
 * INCIDENT_NOTES_PER_INCIDENT notes per incident. Audited; live clients are told.
 */
export async function addIncidentNote(ctx: Ctx, incidentId: string, body: string): Promise<IncidentNote> {
  const { note, incident } = await ctx.db.transaction().execute(async (tx) => {
    const incident = await requireIncident(tx, ctx, incidentId, true);
    const count = await tx
      .selectFrom("incident_activity")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("incident_id", "=", incidentId)
      .where("kind", "=", "note")
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= INCIDENT_NOTES_PER_INCIDENT) {
      throw new AppError("LIMIT_EXCEEDED", `An incident holds at most ${INCIDENT_NOTES_PER_INCIDENT} notes`);
    }
    const by = await whoIsActing(tx, ctx);
    const { id, at } = await insertActivity(tx, ctx, incidentId, by, { kind: "note", body });
    await audit(tx, ctx, {
      action: "incident.note",
      target: { type: "incident", id: incidentId },
      summary: { noteId: id, length: body.length },
    });
    return { note: { id, incidentId, at, by, body }, incident };
  });
  announceIncident(ctx, incident, "note");
  return note;
}
