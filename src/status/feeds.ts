import type { PublicIncident } from "../services/status-incidents/public.ts";
import { IMPACT_LABELS } from "../services/status-incidents/types.ts";
import type { PageSnapshot } from "../services/status-pages/snapshot.ts";
import { escapeMarkup as x } from "./escape.ts";

/** Items a feed carries at most, newest first. */
export const FEED_ITEMS = 50;

/**
 * RSS 2.0 and Atom feeds of a page's published incidents and maintenance announcements (open and
 * within the page's history days). Every value is XML-escaped; an entry's content is its
 * sanitised timeline HTML, escaped once more as feed text.
 */
function entries(snapshot: PageSnapshot): PublicIncident[] {
  return [...snapshot.incidents]
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, FEED_ITEMS);
}

function pageUrl(snapshot: PageSnapshot, publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, "")}/status/${snapshot.page.slug}`;
}

function summary(i: PublicIncident): string {
  const head = i.kind === "maintenance" ? "Maintenance" : IMPACT_LABELS[i.impact];
  return `<p>${x(head)} · ${x(i.status)}</p>${i.updates
    .map((u) => `<p><strong>${x(u.status)}</strong> (${x(u.createdAt.toISOString())})</p>${u.html}`)
    .join("")}`;
}

/** `/status/{slug}/feed.rss`. */
export function renderRss(snapshot: PageSnapshot, publicUrl: string): string {
  const link = pageUrl(snapshot, publicUrl);
  const items = entries(snapshot)
    .map(
      (i) => `<item>
<title>${x(i.title)}</title>
<link>${x(`${link}#incident-${i.id}`)}</link>
<guid isPermaLink="false">${x(i.id)}</guid>
<pubDate>${x(i.publishedAt.toUTCString())}</pubDate>
<description>${x(summary(i))}</description>
</item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${x(`${snapshot.page.title} status`)}</title>
<link>${x(link)}</link>
<atom:link href="${x(`${link}/feed.rss`)}" rel="self" type="application/rss+xml"/>
<description>${x(`Incidents and maintenance of ${snapshot.page.title}`)}</description>
<lastBuildDate>${x(snapshot.builtAt.toUTCString())}</lastBuildDate>
${items}
</channel>
</rss>
`;
}

/** `/status/{slug}/feed.atom`. */
export function renderAtom(snapshot: PageSnapshot, publicUrl: string): string {
  const link = pageUrl(snapshot, publicUrl);
  const list = entries(snapshot);
  const updated = list[0]?.updatedAt ?? snapshot.page.updatedAt;
  const items = list
    .map(
      (i) => `<entry>
<id>${x(`${link}#incident-${i.id}`)}</id>
<title>${x(i.title)}</title>
<link rel="alternate" type="text/html" href="${x(`${link}#incident-${i.id}`)}"/>
<published>${x(i.publishedAt.toISOString())}</published>
<updated>${x(i.updatedAt.toISOString())}</updated>
<content type="html">${x(summary(i))}</content>
</entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${x(link)}</id>
<title>${x(`${snapshot.page.title} status`)}</title>
<link rel="alternate" type="text/html" href="${x(link)}"/>
<link rel="self" type="application/atom+xml" href="${x(`${link}/feed.atom`)}"/>
<updated>${x(updated.toISOString())}</updated>
<author><name>${x(snapshot.page.title)}</name></author>
${items}
</feed>
`;
}
