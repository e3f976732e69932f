import { hostOf } from "../domain/domain-name.ts";
import type { Runtime } from "../services/context.ts";
import { verifiedDomainSlugs } from "../services/status-pages/domains.ts";

/** How often the directory re-reads verified domains (changes made by another API process). */
export const DOMAIN_REFRESH_MS = 30_000;

/** Paths a custom domain serves at its root, each the page's own path under /status/{slug}. */
const PAGE_PATHS = new Set([
  "/",
  "/events",
  "/login",
  "/feed.rss",
  "/feed.atom",
  "/api/v2/summary.json",
  "/api/v2/status.json",
  "/api/v2/components.json",
  "/api/v2/incidents.json",
  "/api/v2/incidents/unresolved.json",
  "/api/v2/scheduled-maintenances.json",
  "/api/v2/scheduled-maintenances/upcoming.json",
  "/api/v2/scheduled-maintenances/active.json",
]);

/** Where requests for anything else on a custom domain go: a path no route has, so a plain 404. */
const NOT_SERVED = "/_custom-domain/not-found";

/**
 * Verified custom domains → the slug of their page, in memory, so requests can be routed by their
 * Host header before Fastify picks a route (rewriteUrl is synchronous). Loaded at start, re-read
 * every DOMAIN_REFRESH_MS and right after a change in this process.
 */
export class DomainDirectory {
  private slugs = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly rt: Runtime) {}

  /** Loads the domains once and keeps them fresh until close(). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), DOMAIN_REFRESH_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Re-reads the verified domains; calls made while a read runs fold into one more read. */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        do {
          this.again = false;
          const rows = await verifiedDomainSlugs(this.rt);
          this.slugs = new Map(rows.map((r) => [r.domain, r.slug]));
        } while (this.again);
      } catch (err) {
        this.rt.log.warn(
          { err, category: "api" },
          "custom domains could not be loaded; keeping the last list",
        );
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Whether `domain` (normalised) is a verified custom domain of some page. */
  isVerified(domain: string): boolean {
    return this.slugs.has(domain);
  }

  /**
   * The URL to route for a request: unchanged unless its Host is a verified domain, whose root
   * paths (/, /events, /api/v2/…, feeds, login) become its page's paths; the page's own
   * /status/{slug}/… paths and badges pass; anything else on that host is not found.
   */
  rewrite(hostHeader: string | undefined, url: string): string {
    if (this.slugs.size === 0) return url;
    const host = hostOf(hostHeader);
    const slug = host && this.slugs.get(host);
    if (!slug) return url;
    const q = url.indexOf("?");
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q) : "";
    const own = `/status/${slug}`;
    if (PAGE_PATHS.has(path)) return `${own}${path === "/" ? "" : path}${query}`;
    if (path === own || path.startsWith(`${own}/`) || path.startsWith("/badge/")) return url;
    return `${NOT_SERVED}${query}`;
  }
}
