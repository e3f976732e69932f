import type { DayBar } from "../../services/status-pages/history.ts";
import { componentStatusOf, formatUptime, stateLabel } from "../../services/status-pages/model.ts";
import type {
  PageSnapshot,
  PublicComponent,
  PublicGroup,
  PublicMaintenance,
} from "../../services/status-pages/snapshot.ts";
import { html, type Markup } from "../escape.ts";
import { allComponents, componentUptime, pageStatus, safeUrl } from "../view.ts";
import { formatDateTime, formatDay, hashedCsp, renderDocument } from "./document.ts";
import { activeIncidentsSection, historySection } from "./incidents.ts";
import { LIVE_SCRIPT } from "./script.ts";
import { pageStyles } from "./styles.ts";

/**
 * The public page, rendered once per read-model build, and the CSP that allows its one style and
 * one script by their hashes: every visitor gets the same bytes, so they are compressed once per
 * build (no per-response nonce inside the body). Landmarks (header, main, footer), one h1, h2 per section and group, h3 per
 * component; every state is words next to its colour; every value is escaped by `html`.
 * `historyPage` (from 1) picks the page of incident history shown.
 */
export function renderStatusPage(snapshot: PageSnapshot, historyPage = 1): { html: string; csp: string } {
  const { page } = snapshot;
  const status = pageStatus(snapshot);
  const logo = safeUrl(page.logoUrl);
  const body = html`<a class="skip" href="#main">Skip to content</a>
<div class="wrap">
<header class="brand">
${logo ? html`<img src="${logo}" alt="">` : ""}
<div><h1>${page.title}</h1>${page.description ? html`<p>${page.description}</p>` : ""}</div>
</header>
<main id="main" tabindex="-1">
<section aria-labelledby="status-text" class="banner ${status.indicator}" id="status-banner">
<div role="status" aria-live="polite"><h2 id="status-text">${status.description}</h2></div>
</section>
<div id="live-incidents">${activeIncidentsSection(snapshot)}</div>
${maintenanceSection(snapshot, "in_progress", "Ongoing maintenance")}
${maintenanceSection(snapshot, "scheduled", "Scheduled maintenance")}
${snapshot.groups.map((g) => groupSection(g, page.historyDays))}
${snapshot.groups.every((g) => g.components.length === 0) ? html`<p>No components on this page yet.</p>` : ""}
${historySection(snapshot, historyPage)}
</main>
${footer(snapshot)}
</div>`;
  const styles = pageStyles(page.colors);
  const document = renderDocument({
    title: `${page.title} status`,
    styles,
    faviconUrl: safeUrl(page.faviconUrl),
    noindex: page.visibility !== "public",
    body,
    script: LIVE_SCRIPT,
  });
  return { html: document, csp: hashedCsp(styles, LIVE_SCRIPT) };
}

function groupSection(group: PublicGroup, historyDays: number): Markup {
  if (group.components.length === 0) return html``;
  const headingId = `g-${group.id}`;
  return html`<section aria-labelledby="${headingId}">
<h2 id="${headingId}">${group.name}</h2>
<ul class="list">
${group.components.map((c) => componentItem(c, historyDays))}
</ul>
</section>
`;
}

function componentItem(c: PublicComponent, historyDays: number): Markup {
  const uptime = componentUptime(c, historyDays);
  return html`<li data-component="${c.id}" data-status="${componentStatusOf(c.state)}" data-state="${c.state}">
<div class="head"><h3>${c.name}</h3>
<p class="state"><span class="dot" aria-hidden="true"></span><span class="label">${stateLabel(c.state)}</span><span class="category">${c.category ? ` · ${c.category}` : ""}</span></p></div>
<p class="uptime">${formatUptime(uptime)} uptime ${uptimeSpan(c, historyDays)}</p>
<ol class="bars${historyDays > 90 ? " dense" : ""}" aria-label="Daily uptime of ${c.name}, last ${historyDays} days">
${c.days.map(dayBar)}
</ol>
<p class="scale" aria-hidden="true"><span>${historyDays} days ago</span><span>Today</span></p>
</li>
`;
}

/** Over which time the uptime counts: the page's history, or since the monitor was created. */
function uptimeSpan(c: PublicComponent, historyDays: number): string {
  const first = c.days.find((d) => d.monitored);
  if (!first || first === c.days[0]) return `over the last ${historyDays} days`;
  return `since ${formatDay(first.day)}`;
}

/** One day: a coloured bar whose tooltip (and screen-reader text) gives uptime and incidents. */
function dayBar(d: DayBar): Markup {
  const grade = d.uptime === null ? "n" : d.uptime >= 1 ? "u" : d.uptime >= 0.95 ? "p" : "o";
  const incidents =
    d.incidents === 0 ? "no incidents" : d.incidents === 1 ? "1 incident" : `${d.incidents} incidents`;
  if (!d.monitored)
    return html`<li class="n"><span class="tip">${formatDay(d.day)}: no data, not monitored yet</span></li>`;
  const uptime = d.uptime === null ? "no data" : `${formatUptime(d.uptime)} uptime`;
  return html`<li class="${grade}"><span class="tip">${formatDay(d.day)}: ${uptime}, ${incidents}</span></li>`;
}

function maintenanceSection(
  snapshot: PageSnapshot,
  status: PublicMaintenance["status"],
  title: string,
): Markup {
  const items = snapshot.maintenance.filter((m) => m.status === status);
  if (items.length === 0) return html``;
  const names = new Map(allComponents(snapshot).map((c) => [c.id, c.name]));
  const id = `maint-${status}`;
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${title}</h2>
<ul class="list maint">
${items.map(
  (m) => html`<li><h3>${m.title}</h3>
<p>${status === "in_progress" ? "In progress since" : "From"} <time datetime="${m.startsAt.toISOString()}">${formatDateTime(m.startsAt)}</time> until <time datetime="${m.endsAt.toISOString()}">${formatDateTime(m.endsAt)}</time></p>
<p>Affects: ${m.componentIds.map((cid) => names.get(cid) ?? "").join(", ")}</p></li>
`,
)}
</ul>
</section>
`;
}

function footer(snapshot: PageSnapshot): Markup {
  const { page } = snapshot;
  const links = page.footerLinks.flatMap((l) => {
    const url = safeUrl(l.url, ["http:", "https:"]);
    return url ? [{ label: l.label, url }] : [];
  });
  return html`<footer>
${page.footerText ? html`<p>${page.footerText}</p>` : ""}
${
  links.length > 0
    ? html`<nav aria-label="Footer"><ul>${links.map(
        (l) => html`<li><a href="${l.url}" rel="nofollow noopener noreferrer">${l.label}</a></li>`,
      )}</ul></nav>`
    : ""
}
<p>Last updated <time id="updated" datetime="${snapshot.builtAt.toISOString()}">${formatDateTime(snapshot.builtAt)}</time></p>
<p>Powered by Upblit</p>
</footer>`;
}
