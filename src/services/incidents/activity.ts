import { NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { IncidentActivityTable } from "../../storage/schema.ts";
import type { Ctx } from "../context.ts";

/** Who did something to an incident, as its timeline names them. */
export interface IncidentActor {
  type: "user" | "apiKey" | "system";
  id: string | null;
  /** The person's name (or email), `API key <name>`, or `Upblit`. */
  name: string;
}

const BY_TYPE = { user: "user", api_key: "apiKey", system: "system" } as const;

export function actorFromRow(r: { by_type: keyof typeof BY_TYPE; by_id: string | null; by_label: string }) {
  return { type: BY_TYPE[r.by_type], id: r.by_id, name: r.by_label } satisfies IncidentActor;
}

/** The caller in words: a person by name or email, an API key by its name. */
export async function whoIsActing(db: Db, ctx: Ctx): Promise<IncidentActor> {
  const actor = ctx.actor;
  if (actor.kind === "user") {
    const user = await db
      .selectFrom("users")
      .select(["name", "email"])
      .where("id", "=", actor.userId)
      .executeTakeFirst();
    return { type: "user", id: actor.userId, name: user?.name || user?.email || actor.email };
  }
  if (actor.kind === "apiKey") {
    const key = await db
      .selectFrom("api_keys")
      .select("name")
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", actor.keyId)
      .executeTakeFirst();
    return { type: "apiKey", id: actor.keyId, name: `API key ${key?.name ?? actor.label}` };
  }
  return { type: "system", id: null, name: "Upblit" };
}

/** Appends one entry (a note or a change) to the incident's activity, inside the caller's transaction. */
export async function insertActivity(
  tx: Db,
  ctx: Ctx,
  incidentId: string,
  by: IncidentActor,
  entry: { kind: IncidentActivityTable["kind"]; body?: string; data?: Record<string, unknown> },
): Promise<{ id: string; at: Date }> {
  const at = new Date(ctx.clock.now());
  const id = newId("act", at.getTime());
  await tx
    .insertInto("incident_activity")
    .values({
      id,
      organization_id: ctx.organizationId,
      incident_id: incidentId,
      kind: entry.kind,
      at,
      by_type: by.type === "apiKey" ? "api_key" : by.type,
      by_id: by.id,
      by_label: by.name,
      body: entry.body ?? null,
      data: JSON.stringify(entry.data ?? {}),
    })
    .execute();
  return { id, at };
}

/** The organization's incident row, locked for the rest of the transaction when `lock`; NOT_FOUND otherwise. */
export async function requireIncident(db: Db, ctx: Ctx, id: string, lock = false) {
  let q = db
    .selectFrom("incidents")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError("incident", id);
  return row;
}

/** Tells live clients (SSE) that an incident changed; call after the change committed. */
export function announceIncident(
  ctx: Ctx,
  incident: { id: string; monitor_id: string },
  change: "updated" | "note" | "acknowledged",
): void {
  ctx.bus.publish({
    type: "incident.changed",
    organizationId: ctx.organizationId,
    incidentId: incident.id,
    monitorId: incident.monitor_id,
    change,
  });
}
