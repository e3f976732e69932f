import { type Kysely, sql } from "kysely";
import type { Step } from "../../domain/state-machine.ts";
import { newId } from "../../lib/ids.ts";
import type { LiveEvent } from "../../queue/bus.ts";
import type { JobPayloads } from "../../queue/catalog.ts";
import {
  type NewEvent,
  type NewIncident,
  openIncidents,
  resolveIncidents,
} from "../../storage/repos/incidents.repo.ts";
import type { Database } from "../../storage/schema.ts";

/** What a committed transition must announce once its transaction commits. */
export interface Announcements {
  live: LiveEvent[];
  incidents: JobPayloads["incident.changed"][];
}

export function emptyAnnouncements(): Announcements {
  return { live: [], incidents: [] };
}

/**
 * The rows and announcements of a batch of state changes, collected while each monitor's steps are
 * judged and written together afterwards: the events (`insertEvents`), the incidents opened and
 * resolved (`writeIncidents`, one statement each, whatever the batch's size) and what to announce.
 */
export class TransitionWrites {
  readonly events: NewEvent[] = [];
  private readonly opens: NewIncident[] = [];
  private readonly opened = new Map<string, NewIncident>();
  private readonly resolves: Array<{
    monitorId: string;
    incidentId: string | null;
    at: Date;
    change: JobPayloads["incident.changed"];
    live: Extract<LiveEvent, { type: "incident.changed" }>;
  }> = [];

  constructor(readonly out: Announcements = emptyAnnouncements()) {}

  /**
   * Records what a state-machine step calls for (its event, the incident it opens or resolves)
   * and returns the monitor's open incident id afterwards. Nothing is written until
   * `writeIncidents`, which must run before the events and states that refer to the incidents.
   */
  add(
    m: { organizationId: string; monitorId: string; monitorName: string; openIncidentId: string | null },
    step: Step,
    at: Date,
    reason: string | null,
    /** What each region saw in the slot that made this step (several regions only). */
    regions?: Record<string, string>,
  ): string | null {
    if (!step.transition) return m.openIncidentId;
    let incidentId = m.openIncidentId;
    if (step.incident === "open") {
      incidentId = newId("inc", at.getTime());
      const incident: NewIncident = {
        id: incidentId,
        organizationId: m.organizationId,
        monitorId: m.monitorId,
        cause: reason,
        at,
        regions,
      };
      this.opens.push(incident);
      this.opened.set(incidentId, incident);
      this.out.incidents.push(incidentChange(m, incidentId, "opened", at, reason));
      this.out.live.push(liveIncident(m, incidentId, "opened"));
    } else if (step.incident === "resolve") {
      const openedHere = m.openIncidentId ? this.opened.get(m.openIncidentId) : undefined;
      if (openedHere) {
        // Opened by this batch: it is written once, already resolved.
        openedHere.resolvedAt = at;
        this.out.incidents.push(incidentChange(m, openedHere.id, "resolved", at, reason));
        this.out.live.push(liveIncident(m, openedHere.id, "resolved"));
      } else {
        // Announced in order now; `writeIncidents` fills in the id, or drops both when nothing was open.
        const change = incidentChange(m, m.openIncidentId ?? "", "resolved", at, reason);
        const live = liveIncident(m, m.openIncidentId ?? "", "resolved");
        this.out.incidents.push(change);
        this.out.live.push(live);
        this.resolves.push({ monitorId: m.monitorId, incidentId: m.openIncidentId, at, change, live });
      }
      incidentId = null;
    }
    const eventIncident = step.incident === "resolve" ? (m.openIncidentId ?? null) : incidentId;
    this.events.push({
      id: newId("evt", at.getTime()),
      organizationId: m.organizationId,
      monitorId: m.monitorId,
      from: step.transition.from,
      to: step.transition.to,
      reason,
      incidentId: eventIncident,
      at,
      regions,
    });
    this.out.live.push({
      type: "monitor.state",
      organizationId: m.organizationId,
      monitorId: m.monitorId,
      from: step.transition.from,
      to: step.transition.to,
      at: at.toISOString(),
      incidentId: eventIncident,
    });
    return incidentId;
  }

  /**
   * Resolves the incidents that were open before the batch and the steps closed, then writes the
   * ones the steps opened (those they also closed, already resolved): two statements, and never
   * two open incidents of one monitor at once. A third, only when incidents opened, marks which of
   * their monitors a status page shows (`onStatusPage`), so the draft job of the others does not
   * look one monitor at a time.
   */
  async writeIncidents(tx: Kysely<Database>): Promise<void> {
    const resolves = this.resolves.splice(0);
    const resolved = await resolveIncidents(tx, resolves);
    const opens = this.opens.splice(0);
    await openIncidents(tx, opens);
    this.opened.clear();
    if (opens.length > 0) await markShownOnPages(tx, opens, this.out.incidents);
    const dropped = new Set<object>();
    resolves.forEach((r, i) => {
      const id = resolved.get(i);
      if (id === undefined) {
        dropped.add(r.change).add(r.live);
        return;
      }
      r.change.incidentId = id;
      r.live.incidentId = id;
    });
    if (dropped.size === 0) return;
    const keep = <T extends object>(list: T[]) => {
      const kept = list.filter((x) => !dropped.has(x));
      list.splice(0, list.length, ...kept);
    };
    keep(this.out.incidents);
    keep(this.out.live);
  }
}

async function markShownOnPages(
  tx: Kysely<Database>,
  opens: NewIncident[],
  changes: JobPayloads["incident.changed"][],
): Promise<void> {
  const rows = await tx
    .selectFrom("status_page_components")
    .select("monitor_id")
    .distinct()
    // One array parameter, as lockStates: the statement is the same for every batch size.
    .where(sql<boolean>`monitor_id = any(${opens.map((o) => o.monitorId)}::text[])`)
    .execute();
  const shown = new Set(rows.map((r) => r.monitor_id));
  const openedIds = new Set(opens.map((o) => o.id));
  for (const c of changes) {
    if (c.change === "opened" && openedIds.has(c.incidentId)) c.onStatusPage = shown.has(c.monitorId);
  }
}

function liveIncident(
  m: { organizationId: string; monitorId: string },
  incidentId: string,
  change: "opened" | "resolved",
): Extract<LiveEvent, { type: "incident.changed" }> {
  return {
    type: "incident.changed",
    organizationId: m.organizationId,
    incidentId,
    monitorId: m.monitorId,
    change,
  };
}

function incidentChange(
  m: { organizationId: string; monitorId: string; monitorName: string },
  incidentId: string,
  change: "opened" | "resolved",
  at: Date,
  cause: string | null,
): JobPayloads["incident.changed"] {
  return {
    organizationId: m.organizationId,
    monitorId: m.monitorId,
    monitorName: m.monitorName,
    incidentId,
    change,
    at: at.getTime(),
    cause,
  };
}

/** Publishes what a committed transaction announced. Called only after commit. */
export async function announce(
  deps: {
    bus: { publish(e: LiveEvent): void };
    queue: { enqueue: (n: "incident.changed", p: JobPayloads["incident.changed"]) => Promise<void> };
  },
  out: Announcements,
): Promise<void> {
  for (const event of out.live) deps.bus.publish(event);
  for (const change of out.incidents) await deps.queue.enqueue("incident.changed", change);
}
