import { componentStatusOf, pageStatusOf, stateLabel, uptimeRatio } from "../services/status-pages/model.ts";
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
    status: pageStatusOf(allComponents(snapshot).map((c) => c.state)),
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
