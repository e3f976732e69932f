import type { Db } from "../../storage/db.ts";
import { renderMarkdown } from "./markdown.ts";
import { incidentViews } from "./store.ts";
import { type Impact, type IncidentKind, isClosedStatus, type StatusIncidentStatus } from "./types.ts";

const DAY = 86_400_000;
/** Open incidents and announcements a page shows at most, and closed ones kept for its history. */
const MAX_OPEN = 50;
const MAX_HISTORY = 500;

/**
 * A published incident or maintenance announcement as a public page shows it: titles, statuses,
 * impact, affected component ids and the timeline with markdown already rendered and sanitised.
 * Drafts and the monitor incident behind a draft never appear here.
 */
export interface PublicIncident {
  id: string;
  kind: IncidentKind;
  title: string;
  status: StatusIncidentStatus;
  impact: Impact;
  componentIds: string[];
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date;
  resolvedAt: Date | null;
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
  postmortemHtml: string | null;
  /** Newest first. */
  updates: Array<{ id: string; status: StatusIncidentStatus; body: string; html: string; createdAt: Date }>;
}

/**
 * The page's published incidents: every open one (at most 50) and the closed ones resolved within
 * the page's history days (at most 500), newest first. Read with the page's read model.
 */
export async function loadPublicIncidents(
  db: Db,
  organizationId: string,
  pageId: string,
  historyDays: number,
  nowMs: number,
): Promise<PublicIncident[]> {
  const base = db
    .selectFrom("status_incidents")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("page_id", "=", pageId)
    .where("published", "=", true);
  const open = await base
    .where("resolved_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(MAX_OPEN)
    .execute();
  const closed = await base
    .where("resolved_at", ">=", new Date(nowMs - historyDays * DAY))
    .orderBy("resolved_at", "desc")
    .orderBy("id", "desc")
    .limit(MAX_HISTORY)
    .execute();
  const views = await incidentViews(db, organizationId, [...open, ...closed]);
  return views.map((v) => ({
    id: v.id,
    kind: v.kind,
    title: v.title,
    status: v.status,
    impact: v.impact,
    componentIds: v.componentIds,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    publishedAt: v.publishedAt ?? v.createdAt,
    resolvedAt: v.resolvedAt,
    scheduledFor: v.scheduledFor,
    scheduledUntil: v.scheduledUntil,
    postmortemHtml: v.postmortem ? renderMarkdown(v.postmortem) : null,
    updates: v.updates.map((u) => ({ ...u, html: renderMarkdown(u.body) })),
  }));
}

/** Open incidents (not maintenance), newest first. */
export function activeIncidents(all: PublicIncident[]): PublicIncident[] {
  return all.filter((i) => i.kind === "incident" && !isClosedStatus(i.status));
}

/** Announced maintenance not completed yet. */
export function openMaintenance(all: PublicIncident[]): PublicIncident[] {
  return all.filter((i) => i.kind === "maintenance" && !isClosedStatus(i.status));
}

/** Closed incidents and maintenance, most recently closed first. */
export function pastIncidents(all: PublicIncident[]): PublicIncident[] {
  return all
    .filter((i) => isClosedStatus(i.status))
    .sort((a, b) => (b.resolvedAt?.getTime() ?? 0) - (a.resolvedAt?.getTime() ?? 0));
}
