import {
  activeIncidents,
  openMaintenance,
  type PublicIncident,
  pastIncidents,
} from "../../services/status-incidents/public.ts";
import { IMPACT_LABELS } from "../../services/status-incidents/types.ts";
import type { PageSnapshot } from "../../services/status-pages/snapshot.ts";
import { html, type Markup, raw } from "../escape.ts";
import { allComponents } from "../view.ts";
import { formatDateTime } from "./document.ts";

/** Closed incidents per page of history (`?page=N`). */
export const HISTORY_PAGE_SIZE = 10;

const STATUS_WORDS: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
};

/**
 * Markdown already rendered and sanitised by renderMarkdown (an allow-list of tags, http(s) and
 * mailto links only): the one place its HTML joins the page unescaped.
 */
function sanitized(htmlFromMarkdown: string): Markup {
  return raw(htmlFromMarkdown);
}

/** How many pages the history has (at least 1). */
export function historyPageCount(snapshot: PageSnapshot): number {
  return Math.max(1, Math.ceil(pastIncidents(snapshot.incidents).length / HISTORY_PAGE_SIZE));
}

/** Active incidents and announced maintenance, each with its timeline. */
export function activeIncidentsSection(snapshot: PageSnapshot): Markup {
  const active = activeIncidents(snapshot.incidents);
  const maintenance = openMaintenance(snapshot.incidents);
  const names = componentNames(snapshot);
  return html`${
    active.length > 0
      ? html`<section aria-labelledby="incidents-active">
<h2 id="incidents-active">Active incidents</h2>
<ul class="list incidents">${active.map((i) => incidentItem(i, names))}</ul>
</section>
`
      : ""
  }${
    maintenance.length > 0
      ? html`<section aria-labelledby="maint-announced">
<h2 id="maint-announced">Announced maintenance</h2>
<ul class="list incidents">${maintenance.map((i) => incidentItem(i, names))}</ul>
</section>
`
      : ""
  }`;
}

/** One page (from 1) of past incidents, with links to the neighbouring pages. */
export function historySection(snapshot: PageSnapshot, page: number): Markup {
  const past = pastIncidents(snapshot.incidents);
  const pages = historyPageCount(snapshot);
  const shown = past.slice((page - 1) * HISTORY_PAGE_SIZE, page * HISTORY_PAGE_SIZE);
  const names = componentNames(snapshot);
  const base = `/status/${snapshot.page.slug}`;
  return html`<section aria-labelledby="incident-history">
<h2 id="incident-history">Incident history</h2>
${
  shown.length > 0
    ? html`<ul class="list incidents">${shown.map((i) => incidentItem(i, names))}</ul>`
    : html`<p>No incidents in the last ${snapshot.page.historyDays} days.</p>`
}
${
  pages > 1
    ? html`<nav aria-label="Incident history pages"><p>Page ${page} of ${pages}
${page > 1 ? html` <a href="${base}?page=${page - 1}#incident-history" rel="prev">Newer</a>` : ""}
${page < pages ? html` <a href="${base}?page=${page + 1}#incident-history" rel="next">Older</a>` : ""}</p></nav>`
    : ""
}
</section>
`;
}

function componentNames(snapshot: PageSnapshot): Map<string, string> {
  return new Map(allComponents(snapshot).map((c) => [c.id, c.name]));
}

function incidentItem(i: PublicIncident, names: Map<string, string>): Markup {
  const affected = i.componentIds.map((id) => names.get(id)).filter((n): n is string => Boolean(n));
  return html`<li id="incident-${i.id}" class="incident impact-${i.impact}" data-incident="${i.id}">
<h3>${i.title}</h3>
<p class="state">${STATUS_WORDS[i.status] ?? i.status}${i.kind === "incident" ? html` · ${IMPACT_LABELS[i.impact]}` : ""}</p>
${
  i.scheduledFor && i.scheduledUntil
    ? html`<p>From <time datetime="${i.scheduledFor.toISOString()}">${formatDateTime(i.scheduledFor)}</time> until <time datetime="${i.scheduledUntil.toISOString()}">${formatDateTime(i.scheduledUntil)}</time></p>`
    : ""
}
${affected.length > 0 ? html`<p>Affects: ${affected.join(", ")}</p>` : ""}
<ol class="timeline">${i.updates.map(
    (
      u,
    ) => html`<li><p><strong>${STATUS_WORDS[u.status] ?? u.status}</strong> · <time datetime="${u.createdAt.toISOString()}">${formatDateTime(u.createdAt)}</time></p>
<div class="md">${sanitized(u.html)}</div></li>`,
  )}</ol>
${i.postmortemHtml ? html`<details><summary>Postmortem</summary><div class="md">${sanitized(i.postmortemHtml)}</div></details>` : ""}
</li>
`;
}
