import type { IncidentNote } from "../../../services/incidents/add-note.ts";
import type { IncidentView, listIncidents } from "../../../services/incidents/query.ts";
import type { TimelineItem } from "../../../services/incidents/timeline.ts";
import { renderMarkdown } from "../../../services/status-incidents/markdown.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

type IncidentRow = Awaited<ReturnType<typeof listIncidents>>["items"][number];
type EventRow = IncidentView["timeline"][number];

export const presentEvent = (e: EventRow) => ({
  id: e.id,
  monitorId: e.monitor_id,
  from: e.from_state,
  to: e.to_state,
  reason: e.reason,
  incidentId: e.incident_id,
  at: e.at.toISOString(),
  regions: e.regions ?? null,
});

export const presentIncident = (i: IncidentRow) => ({
  id: i.id,
  monitorId: i.monitor_id,
  status: i.status as "open" | "resolved",
  workflowStatus: i.workflow_status,
  assigneeId: i.assignee_id,
  cause: i.cause,
  startedAt: i.started_at.toISOString(),
  resolvedAt: iso(i.resolved_at),
  durationMs: i.duration_ms === null ? null : Number(i.duration_ms),
  regions: i.regions ?? null,
});

export function presentIncidentDetail(i: IncidentView) {
  const ack = i.acknowledgement;
  return {
    ...presentIncident(i),
    monitor: i.monitor,
    workflowResolvedBy: i.workflow_resolved_by,
    assignee: i.assignee,
    postmortem: i.postmortem,
    postmortemHtml: i.postmortem === null ? null : renderMarkdown(i.postmortem),
    updatedAt: iso(i.updated_at),
    acknowledgement: ack ? { at: ack.at.toISOString(), by: ack.by, note: ack.note } : null,
    statusPageIncidents: i.statusPageIncidents.map((s) => ({
      id: s.id,
      pageId: s.page_id,
      published: s.published,
    })),
    timeline: i.timeline.map(presentEvent),
    affectedDependents: i.affectedDependents.map((d) => ({ ...d, since: d.since.toISOString() })),
    acknowledgedAt: iso(ack?.at ?? null),
    acknowledgedBy: ack?.by ?? null,
    acknowledgeNote: ack?.note ?? null,
  };
}

export const presentNote = (n: IncidentNote) => ({
  id: n.id,
  incidentId: n.incidentId,
  at: n.at.toISOString(),
  by: n.by,
  body: n.body,
  html: renderMarkdown(n.body),
});

export function presentTimelineItem(item: TimelineItem) {
  const at = item.at.toISOString();
  switch (item.kind) {
    case "notification":
      return { ...item, at, sentAt: iso(item.sentAt) };
    case "note":
      return { ...item, at, html: renderMarkdown(item.body) };
    default:
      return { ...item, at };
  }
}
