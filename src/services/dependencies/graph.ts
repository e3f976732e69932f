import { sql } from "kysely";
import type { Db } from "../../storage/db.ts";

/** An edge of an organization's dependency graph: `monitorId` depends on `parentId`. */
export interface ParentEdge {
  monitorId: string;
  parentId: string;
  /** The parent's current state and open incident, as committed. */
  parentState: string;
  parentIncidentId: string | null;
}

/**
 * Every edge above these monitors: their parents, their parents' parents, and so on, each with the
 * parent's state. One recursive query; UNION drops repeated edges, so it ends even on a cycle.
 */
export async function ancestorEdges(tx: Db, monitorIds: string[]): Promise<ParentEdge[]> {
  if (monitorIds.length === 0) return [];
  const { rows } = await sql<{
    monitor_id: string;
    parent_id: string;
    state: string;
    open_incident_id: string | null;
  }>`
    WITH RECURSIVE walk(monitor_id, parent_id) AS (
      SELECT monitor_id, parent_id FROM monitor_dependencies WHERE monitor_id = ANY(${monitorIds}::text[])
      UNION
      SELECT d.monitor_id, d.parent_id FROM monitor_dependencies d JOIN walk w ON d.monitor_id = w.parent_id
    )
    SELECT w.monitor_id, w.parent_id, s.state, s.open_incident_id
    FROM walk w JOIN monitor_state s ON s.monitor_id = w.parent_id
  `.execute(tx);
  return rows.map((r) => ({
    monitorId: r.monitor_id,
    parentId: r.parent_id,
    parentState: r.state,
    parentIncidentId: r.open_incident_id,
  }));
}

/** Edges grouped by child: monitor id → its parents' ids. */
export function parentsByMonitor(edges: ReadonlyArray<{ monitorId: string; parentId: string }>) {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.monitorId);
    if (list) list.push(e.parentId);
    else out.set(e.monitorId, [e.parentId]);
  }
  return out;
}

/**
 * A path of parent edges from `from` up to `to` (both included), or undefined when `to` is not
 * above `from`. Breadth-first, so the path is a shortest one.
 */
export function pathUp(
  parentsOf: ReadonlyMap<string, string[]>,
  from: string,
  to: string,
): string[] | undefined {
  const cameFrom = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === to) {
      const path: string[] = [];
      for (let at: string | null | undefined = id; at; at = cameFrom.get(at)) path.unshift(at);
      return path;
    }
    for (const parent of parentsOf.get(id) ?? []) {
      if (cameFrom.has(parent)) continue;
      cameFrom.set(parent, id);
      queue.push(parent);
    }
  }
  return undefined;
}
