import type { Db } from "../../storage/db.ts";
import { ancestorEdges, parentsByMonitor } from "./graph.ts";

/** What recording needs of a monitor's state to judge its dependents. */
export interface ParentState {
  state: string;
  openIncidentId: string | null;
}

/** A monitor's state as this batch has moved it so far; undefined when the batch holds none of it. */
export type LiveStates = (monitorId: string) => ParentState | undefined;

/** Parents whose failure explains a dependent's: down, or affected by their own parents (transitive). */
const OUTAGE_STATES = new Set(["down", "affected"]);

/**
 * The dependency graph above one batch of results, read once per batch inside the recording
 * transaction. Parents' states come from `live` (what this batch already stepped) before the
 * committed ones, so a parent and its child failing in the same batch make the child `affected`.
 */
export class BatchDependencies {
  private readonly depths = new Map<string, number>();

  private constructor(
    private readonly parentsOf: ReadonlyMap<string, string[]>,
    private readonly committed: ReadonlyMap<string, ParentState>,
  ) {}

  /** Loads every edge above these monitors, with the committed state of each parent. */
  static async load(tx: Db, monitorIds: string[]): Promise<BatchDependencies> {
    const edges = await ancestorEdges(tx, monitorIds);
    const committed = new Map(
      edges.map((e) => [e.parentId, { state: e.parentState, openIncidentId: e.parentIncidentId }]),
    );
    return new BatchDependencies(parentsByMonitor(edges), committed);
  }

  /** Results reordered so that parents are stepped before their dependents; otherwise in the given order. */
  parentsFirst<T extends { monitorId: string }>(results: T[]): T[] {
    if (this.parentsOf.size === 0) return results;
    return results
      .map((r, i) => ({ r, i, depth: this.depth(r.monitorId, new Set()) }))
      .sort((a, b) => a.depth - b.depth || a.i - b.i)
      .map((x) => x.r);
  }

  /** At least one parent is down or affected, as the batch has it now. */
  parentDown(monitorId: string, live: LiveStates): boolean {
    return (this.parentsOf.get(monitorId) ?? []).some((p) => OUTAGE_STATES.has(this.stateOf(p, live).state));
  }

  /**
   * The open incidents behind a dependent's outage: those of its down ancestors, reached through
   * parents that are down or affected. An affected dependent is listed on each of them.
   */
  incidentsBehind(monitorId: string, live: LiveStates): string[] {
    const incidents = new Set<string>();
    const seen = new Set<string>([monitorId]);
    const stack = [...(this.parentsOf.get(monitorId) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const parent = this.stateOf(id, live);
      if (parent.state === "down" && parent.openIncidentId) incidents.add(parent.openIncidentId);
      else if (parent.state === "affected") stack.push(...(this.parentsOf.get(id) ?? []));
    }
    return [...incidents];
  }

  private stateOf(id: string, live: LiveStates): ParentState {
    return live(id) ?? this.committed.get(id) ?? { state: "pending", openIncidentId: null };
  }

  /** How many parent edges lie above a monitor at most; a cycle (refused on write) counts as none. */
  private depth(id: string, visiting: Set<string>): number {
    const known = this.depths.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const parents = this.parentsOf.get(id) ?? [];
    const depth = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => this.depth(p, visiting)));
    visiting.delete(id);
    this.depths.set(id, depth);
    return depth;
  }
}
