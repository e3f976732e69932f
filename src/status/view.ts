import { activeIncidents, openMaintenance } from "../services/status-incidents/public.ts";
import {
  componentStatusOf,
  type PageIndicator,
  type PageStatus,
  pageStatusOf,
  stateLabel,
  uptimeRatio,
} from "../services/status-pages/model.ts";
import type { PageSnapshot, PublicComponent } from "../services/status-pages/snapshot.ts";
import { formatDateTime } from "./html/document.ts";

/** Every component of the page in page order. */
export function allComponents(snapshot: PageSnapshot): PublicComponent[] {
  return snapshot.groups.flatMap((g) => g.components);
}

/** Uptime of a component over its last `days` days of bars (null when nothing was judged). */
export function componentUptime(c: PublicComponent, days: number): number | null {
  const counts = { up: 0, degraded: 0, down: 0 };
  for (const d of c.days.slice(-days)) {
    counts.up += d.up;
    counts.degraded += d.degraded;
    counts.down += d.down;
  }
  return uptimeRatio(counts);
}

const INDICATOR_RANK: Record<PageIndicator, number> = {
  none: 0,
  maintenance: 1,
  minor: 2,
  major: 3,
  critical: 4,
};
const INDICATOR_TEXT: Record<PageIndicator, string> = {
  none: "All Systems Operational",
  maintenance: "Service Under Maintenance",
  minor: "Partially Degraded Service",
  major: "Partial System Outage",
  critical: "Major System Outage",
};

/**
 * The page's overall status as the banner, status.json, summary.json and the live stream show it:
 * the worst of the components' states, the impact of every active published incident, and
 * maintenance (a window in progress on one of the page's components, or an announced maintenance
 * in progress) when nothing is worse. So the banner never says "All Systems Operational" above
 * an active incident or ongoing maintenance.
 */
export function pageStatus(snapshot: PageSnapshot): PageStatus {
  let indicator = pageStatusOf(allComponents(snapshot).map((c) => c.state)).indicator;
  const raise = (to: PageIndicator) => {
    if (INDICATOR_RANK[to] > INDICATOR_RANK[indicator]) indicator = to;
  };
  for (const i of activeIncidents(snapshot.incidents)) raise(i.impact);
  const maintaining =
    snapshot.maintenance.some((m) => m.status === "in_progress") ||
    openMaintenance(snapshot.incidents).some((i) => i.status === "in_progress");
  if (maintaining) raise("maintenance");
  return { indicator, description: INDICATOR_TEXT[indicator] };
}

/**
 * A URL a public page may link or load: only http(s) (https for images), whatever was stored.
 * The API validates this already; rendering checks again so no other scheme can ever reach a page.
 */
export function safeUrl(url: string | null, schemes: readonly string[] = ["https:"]): string | null {
  if (!url || !URL.canParse(url)) return null;
  return schemes.includes(new URL(url).protocol) ? url : null;
}

/**
 * The live stream's `page` event: the banner and every component's public state. The same
 * public-safe fields as the page itself: ids, statuses, labels and failure categories.
 */
export function livePayload(snapshot: PageSnapshot) {
  return {
    status: pageStatus(snapshot),
    components: allComponents(snapshot).map((c) => ({
      id: c.id,
      status: componentStatusOf(c.state),
      state: c.state,
      label: stateLabel(c.state),
      category: c.category,
    })),
    updatedAt: snapshot.builtAt.toISOString(),
    updatedText: formatDateTime(snapshot.builtAt),
  };
}
