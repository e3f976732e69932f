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

export interface NewIncident {
  id: string;
  organizationId: string;
  monitorId: string;
  cause: string | null;
  at: Date;
  regions?: Record<string, string> | null;
  /** Set when the same batch resolved it again: the row is written as `resolveIncident` leaves it. */
  resolvedAt?: Date;
}

/**
 * Writes several incidents in one statement (a batch of state changes): open ones, and ones the
 * same batch opened and resolved, already resolved (at most one may be open per monitor).
 */
export async function openIncidents(db: Q, incidents: NewIncident[]): Promise<void> {
  if (incidents.length === 0) return;
  await db
    .insertInto("incidents")
    .values(
      incidents.map((i) => ({
        id: i.id,
        organization_id: i.organizationId,
        monitor_id: i.monitorId,
        status: i.resolvedAt ? "resolved" : "open",
        cause: i.cause,
        started_at: i.at,
        regions: i.regions ? JSON.stringify(i.regions) : null,
        resolved_at: i.resolvedAt ?? null,
        duration_ms: i.resolvedAt ? Math.max(0, i.resolvedAt.getTime() - i.at.getTime()) : null,
        workflow_status: i.resolvedAt ? ("resolved" as const) : ("investigating" as const),
        workflow_resolved_by: i.resolvedAt ? ("monitor" as const) : null,
        updated_at: i.resolvedAt ?? null,
      })),
    )
    .execute();
}

/**
 * Resolves several monitors' open incidents in one statement, each at its own time, like
 * `resolveIncident`: the incident `incidentId` names when it is known, else the monitor's open one.
 * Returns, per request index, the id it resolved.
 */
export async function resolveIncidents(
  db: Q,
  requests: Array<{ monitorId: string; incidentId: string | null; at: Date }>,
): Promise<Map<number, string>> {
  if (requests.length === 0) return new Map();
  const rows = requests.map(
    (r, i) =>
      sql`(${i}::int, ${r.monitorId}::text, ${r.incidentId}::text, ${r.at.toISOString()}::timestamptz)`,
  );
  const resolved = await sql<{ key: number; id: string }>`
    update incidents as i
       set status = 'resolved', resolved_at = v.at,
           duration_ms = greatest(0, round(extract(epoch from (v.at - i.started_at)) * 1000))::bigint,
           workflow_status = 'resolved',
           workflow_resolved_by = coalesce(i.workflow_resolved_by, 'monitor'),
           updated_at = v.at
      from (values ${sql.join(rows)}) as v(key, monitor_id, id, at)
     where i.status = 'open' and i.monitor_id = v.monitor_id and (v.id is null or i.id = v.id)
    returning v.key, i.id`.execute(db);
  return new Map(resolved.rows.map((r) => [Number(r.key), r.id]));
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
