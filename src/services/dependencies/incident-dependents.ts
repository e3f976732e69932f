import type { Db } from "../../storage/db.ts";

/** A dependent that went `affected` because of these open incidents (of its down ancestors). */
export interface AffectedDependent {
  organizationId: string;
  monitorId: string;
  incidentIds: string[];
  since: Date;
}

/**
 * Lists each newly affected dependent on the incidents behind it, in the recording transaction.
 * The first time counts: a dependent affected twice during one incident keeps its first `since`.
 */
export async function recordAffected(tx: Db, affected: AffectedDependent[]): Promise<void> {
  const rows = affected.flatMap((a) =>
    a.incidentIds.map((incidentId) => ({
      incident_id: incidentId,
      monitor_id: a.monitorId,
      organization_id: a.organizationId,
      since: a.since,
    })),
  );
  if (rows.length === 0) return;
  await tx
    .insertInto("incident_dependents")
    .values(rows)
    .onConflict((oc) => oc.columns(["incident_id", "monitor_id"]).doNothing())
    .execute();
}

/** The dependents an incident affected, in the order they went affected, with their current names. */
export async function listAffectedDependents(
  db: Db,
  organizationId: string,
  incidentId: string,
): Promise<Array<{ monitorId: string; name: string; since: Date }>> {
  const rows = await db
    .selectFrom("incident_dependents as d")
    .innerJoin("monitors as m", "m.id", "d.monitor_id")
    .select(["d.monitor_id", "m.name", "d.since"])
    .where("d.organization_id", "=", organizationId)
    .where("d.incident_id", "=", incidentId)
    .orderBy("d.since")
    .orderBy("d.monitor_id")
    .execute();
  return rows.map((r) => ({ monitorId: r.monitor_id, name: r.name, since: r.since }));
}
