/** Statuses of an incident's timeline, in Statuspage's words. */
export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
/** Statuses of a maintenance announcement. */
export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "completed"] as const;
export const ALL_STATUSES = [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES] as const;
export type StatusIncidentStatus = (typeof ALL_STATUSES)[number];

export const INCIDENT_KINDS = ["incident", "maintenance"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Statuspage's impact levels; the page words them as below. */
export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type Impact = (typeof IMPACTS)[number];
export const IMPACT_LABELS: Record<Impact, string> = {
  none: "No impact",
  minor: "Degraded performance",
  major: "Partial outage",
  critical: "Major outage",
};

/** Documented limits (docs/status-pages.md). */
export const STATUS_INCIDENT_LIMITS = {
  titleMax: 200,
  updatesPerIncident: 200,
  /** Incidents (any state) per page; old resolved ones can be deleted. */
  incidentsPerPage: 5_000,
  listPageSize: 100,
} as const;

/** Whether a status ends an incident (resolved) or a maintenance (completed). */
export function isClosedStatus(status: StatusIncidentStatus): boolean {
  return status === "resolved" || status === "completed";
}

/** The statuses a kind may take. */
export function statusesOf(kind: IncidentKind): readonly StatusIncidentStatus[] {
  return kind === "incident" ? INCIDENT_STATUSES : MAINTENANCE_STATUSES;
}

export interface IncidentUpdateView {
  id: string;
  status: StatusIncidentStatus;
  /** Markdown as written. */
  body: string;
  createdAt: Date;
}

/** A status-page incident as its organization sees it (drafts included). */
export interface StatusIncident {
  id: string;
  pageId: string;
  kind: IncidentKind;
  title: string;
  status: StatusIncidentStatus;
  impact: Impact;
  published: boolean;
  publishedAt: Date | null;
  /** The monitor incident a draft was prepared from, if any. */
  monitorIncidentId: string | null;
  componentIds: string[];
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
  postmortem: string | null;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  /** Newest first. */
  updates: IncidentUpdateView[];
}

export interface CreateIncidentInput {
  kind: IncidentKind;
  title: string;
  status?: StatusIncidentStatus;
  impact: Impact;
  componentIds: string[];
  /** The first update's markdown. */
  message: string;
  published: boolean;
  scheduledFor?: string | null;
  scheduledUntil?: string | null;
  /** The monitor incident it is prepared from (one per page and monitor incident). */
  monitorIncidentId?: string;
}

export interface UpdateIncidentInput {
  title?: string;
  impact?: Impact;
  componentIds?: string[];
  scheduledFor?: string | null;
  scheduledUntil?: string | null;
  /** Only on a resolved incident or completed maintenance; null removes it. */
  postmortem?: string | null;
}

export interface AddUpdateInput {
  status: StatusIncidentStatus;
  body: string;
  /** May come with the update that resolves the incident. */
  postmortem?: string;
}
