import { renderMarkdown } from "../../../services/status-incidents/markdown.ts";
import type { StatusIncident } from "../../../services/status-incidents/types.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A status-page incident as the API returns it: ISO dates, each update's markdown and its HTML. */
export function presentStatusIncident(i: StatusIncident) {
  return {
    ...i,
    publishedAt: iso(i.publishedAt),
    scheduledFor: iso(i.scheduledFor),
    scheduledUntil: iso(i.scheduledUntil),
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    resolvedAt: iso(i.resolvedAt),
    updates: i.updates.map((u) => ({
      ...u,
      html: renderMarkdown(u.body),
      createdAt: u.createdAt.toISOString(),
    })),
  };
}
