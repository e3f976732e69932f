import type { Kysely } from "kysely";
import type { Step } from "../../domain/state-machine.ts";
import { newId } from "../../lib/ids.ts";
import type { LiveEvent } from "../../queue/bus.ts";
import type { JobPayloads } from "../../queue/catalog.ts";
import { type NewEvent, openIncident, resolveIncident } from "../../storage/repos/incidents.repo.ts";
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
 * Writes the event and incident rows a state-machine step calls for, inside the caller's
 * transaction, and returns the monitor's open incident id afterwards.
 */
export async function writeTransition(
  tx: Kysely<Database>,
  m: { organizationId: string; monitorId: string; monitorName: string; openIncidentId: string | null },
  step: Step,
  at: Date,
  reason: string | null,
  events: NewEvent[],
  out: Announcements,
  /** What each region saw in the slot that made this step (several regions only). */
  regions?: Record<string, string>,
): Promise<string | null> {
  if (!step.transition) return m.openIncidentId;
  let incidentId = m.openIncidentId;
  if (step.incident === "open") {
    incidentId = newId("inc", at.getTime());
    await openIncident(tx, {
      id: incidentId,
      organizationId: m.organizationId,
      monitorId: m.monitorId,
      cause: reason,
      at,
      regions,
    });
    out.incidents.push(incidentChange(m, incidentId, "opened", at, reason));
    out.live.push(liveIncident(m, incidentId, "opened"));
  } else if (step.incident === "resolve") {
    const resolved = await resolveIncident(tx, m.monitorId, at);
    if (resolved) {
      out.incidents.push(incidentChange(m, resolved, "resolved", at, reason));
      out.live.push(liveIncident(m, resolved, "resolved"));
    }
    incidentId = null;
  }
  const eventIncident = step.incident === "resolve" ? (m.openIncidentId ?? null) : incidentId;
  events.push({
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
  out.live.push({
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

function liveIncident(
  m: { organizationId: string; monitorId: string },
  incidentId: string,
  change: "opened" | "resolved",
): LiveEvent {
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
