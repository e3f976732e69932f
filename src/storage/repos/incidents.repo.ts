import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

export interface NewEvent {
  id: string;
  organizationId: string;
  monitorId: string;
  from: string;
  to: string;
  reason: string | null;
  incidentId: string | null;
  at: Date;
  /** What each region saw in the slot that made the change (several regions only). */
  regions?: Record<string, string> | null;
}

export async function insertEvents(db: Q, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto("monitor_events")
    .values(
      events.map((e) => ({
        id: e.id,
        organization_id: e.organizationId,
        monitor_id: e.monitorId,
        from_state: e.from,
        to_state: e.to,
        reason: e.reason,
        incident_id: e.incidentId,
        at: e.at,
        regions: e.regions ? JSON.stringify(e.regions) : null,
      })),
    )
    .execute();
}

export async function openIncident(
  db: Q,
  i: {
    id: string;
    organizationId: string;
    monitorId: string;
    cause: string | null;
    at: Date;
    regions?: Record<string, string> | null;
  },
): Promise<void> {
  await db
    .insertInto("incidents")
    .values({
      id: i.id,
      organization_id: i.organizationId,
      monitor_id: i.monitorId,
      status: "open",
      cause: i.cause,
      started_at: i.at,
      regions: i.regions ? JSON.stringify(i.regions) : null,
    })
    .execute();
}

/** Resolves the monitor's open incident, if any; returns its id. */
export async function resolveIncident(db: Q, monitorId: string, at: Date): Promise<string | undefined> {
  const open = await db
    .selectFrom("incidents")
    .select(["id", "started_at"])
    .where("monitor_id", "=", monitorId)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (!open) return undefined;
  await db
    .updateTable("incidents")
    .set({
      status: "resolved",
      resolved_at: at,
      duration_ms: Math.max(0, at.getTime() - open.started_at.getTime()),
      // The recovery closes the people's workflow too, unless a person resolved it first.
      workflow_status: "resolved",
      workflow_resolved_by: sql<"person" | "monitor">`coalesce(workflow_resolved_by, 'monitor')`,
      updated_at: at,
    })
    .where("id", "=", open.id)
    .execute();
  return open.id;
}

export async function listEventRows(
  db: Q,
  organizationId: string,
  filter: { monitorId?: string; after?: string },
  limit: number,
) {
  let query = db.selectFrom("monitor_events").selectAll().where("organization_id", "=", organizationId);
  if (filter.monitorId) query = query.where("monitor_id", "=", filter.monitorId);
  if (filter.after) query = query.where("id", "<", filter.after);
  return query
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
}

export async function listIncidentRows(
  db: Q,
  organizationId: string,
  filter: { monitorId?: string; status?: string; after?: string },
  limit: number,
) {
  let query = db.selectFrom("incidents").selectAll().where("organization_id", "=", organizationId);
  if (filter.monitorId) query = query.where("monitor_id", "=", filter.monitorId);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.after) query = query.where("id", "<", filter.after);
  return query
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
}

export async function findIncidentRow(db: Q, organizationId: string, id: string) {
  return db
    .selectFrom("incidents")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
}
