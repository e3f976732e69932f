import type { LiveEvent } from "../queue/bus.ts";
import type { Runtime } from "../services/context.ts";
import {
  findPageIdBySlug,
  loadPageSnapshot,
  type PageSnapshot,
  publicPagesShowing,
} from "../services/status-pages/snapshot.ts";

/** How long a built page serves before it is rebuilt anyway (changes in another process, new results). */
export const READ_MODEL_TTL_MS = 60_000;
/** Badge lookups (monitor → public pages) remembered at most; beyond, the memo starts over. */
const MAX_BADGE_LOOKUPS = 10_000;

/** A built page and whatever was rendered from it, memoised until the page is invalidated. */
export class ReadModel {
  private readonly renders = new Map<string, unknown>();
  constructor(
    readonly snapshot: PageSnapshot,
    readonly builtAtMs: number,
  ) {}

  /** Renders once per build (HTML template, JSON, badges); later calls get the same value. */
  memo<T>(key: string, render: () => T): T {
    if (!this.renders.has(key)) this.renders.set(key, render());
    return this.renders.get(key) as T;
  }
}

/**
 * The in-memory read model of status pages: each page is built on first request (from one
 * snapshot query set), served from memory, and dropped when one of its monitors changes state
 * (the live bus), when the page is edited (`invalidate`), or after READ_MODEL_TTL_MS. Concurrent
 * requests for a page being built share the build; a build that raced an invalidation is served
 * to its waiters but not kept. Listeners (live streams) hear of every invalidation.
 */
export class StatusPageCache {
  private readonly models = new Map<string, ReadModel>();
  private readonly slugs = new Map<string, string>();
  private readonly building = new Map<
    string,
    { generation: number; model: Promise<ReadModel | undefined> }
  >();
  private readonly generations = new Map<string, number>();
  /** Which pages show a monitor, kept from the last build of each page until the next. */
  private readonly pagesByMonitor = new Map<string, Set<string>>();
  private readonly monitorsByPage = new Map<string, string[]>();
  private readonly orgSubscriptions = new Map<string, () => void>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private badgePages = new Map<string, string | null>();

  constructor(
    private readonly rt: Runtime,
    private readonly ttlMs = READ_MODEL_TTL_MS,
  ) {}

  /**
   * The page at this slug when it is built and fresh, without waiting: the synchronous fast path
   * of public reads (access.ts `publicPageInMemory`). Undefined means "ask bySlug".
   */
  inMemory(slug: string): ReadModel | undefined {
    const known = this.slugs.get(slug);
    const fresh = known ? this.fresh(known) : undefined;
    return fresh?.snapshot.page.slug === slug ? fresh : undefined;
  }

  /** The page at this slug, built or from memory; undefined when no page has it. */
  async bySlug(slug: string): Promise<ReadModel | undefined> {
    const fresh = this.inMemory(slug);
    if (fresh) return fresh;
    const pageId = this.slugs.get(slug) ?? (await findPageIdBySlug(this.rt, slug));
    if (!pageId) return undefined;
    const model = await this.byId(pageId);
    return model?.snapshot.page.slug === slug ? model : undefined;
  }

  /**
   * The page with this id, from memory while fresh, else built (requests share a build that
   * started after the page's last invalidation); undefined when the page is gone.
   */
  async byId(pageId: string): Promise<ReadModel | undefined> {
    const fresh = this.fresh(pageId);
    if (fresh) return fresh;
    const generation = this.generationOf(pageId);
    const running = this.building.get(pageId);
    if (running && running.generation === generation) return running.model;
    const entry = { generation, model: this.build(pageId, generation) };
    this.building.set(pageId, entry);
    const done = () => {
      if (this.building.get(pageId) === entry) this.building.delete(pageId);
    };
    entry.model.then(done, done);
    return entry.model;
  }

  /**
   * The first public page showing this monitor (pages are ordered by creation), or undefined when
   * no public page shows it: badges exist only for monitors on a public page.
   */
  async publicPageShowing(monitorId: string): Promise<ReadModel | undefined> {
    let pageId = this.badgePages.get(monitorId);
    if (pageId === undefined) {
      pageId = (await publicPagesShowing(this.rt, monitorId))[0] ?? null;
      if (this.badgePages.size >= MAX_BADGE_LOOKUPS) this.badgePages = new Map();
      this.badgePages.set(monitorId, pageId);
    }
    if (pageId === null) return undefined;
    const model = await this.byId(pageId);
    const shows = model?.snapshot.groups.some((g) => g.components.some((c) => c.id === monitorId));
    return model && model.snapshot.page.visibility === "public" && shows ? model : undefined;
  }

  /** Drops a page (edited or deleted) and every badge lookup, and tells its listeners. */
  invalidate(pageId: string): void {
    this.badgePages = new Map();
    this.drop(pageId);
  }

  /** Calls `listener` after each invalidation of the page; returns the unsubscribe function. */
  onChange(pageId: string, listener: () => void): () => void {
    let set = this.listeners.get(pageId);
    if (!set) {
      set = new Set();
      this.listeners.set(pageId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(pageId);
    };
  }

  /** Ends the bus subscriptions (the app is closing). */
  close(): void {
    for (const unsubscribe of this.orgSubscriptions.values()) unsubscribe();
    this.orgSubscriptions.clear();
  }

  private generationOf(pageId: string): number {
    return this.generations.get(pageId) ?? 0;
  }

  private fresh(pageId: string): ReadModel | undefined {
    const model = this.models.get(pageId);
    if (model && this.rt.clock.now() - model.builtAtMs < this.ttlMs) return model;
    return undefined;
  }

  private async build(pageId: string, generation: number): Promise<ReadModel | undefined> {
    const snapshot = await loadPageSnapshot(this.rt, pageId);
    const current = this.generationOf(pageId) === generation;
    if (!snapshot) {
      if (current) this.forget(pageId);
      return undefined;
    }
    const model = new ReadModel(snapshot, snapshot.builtAt.getTime());
    if (!current) return model;
    this.forget(pageId);
    this.models.set(pageId, model);
    this.slugs.set(snapshot.page.slug, pageId);
    const monitors = snapshot.groups.flatMap((g) => g.components.map((c) => c.id));
    this.monitorsByPage.set(pageId, monitors);
    for (const id of monitors) {
      const pages = this.pagesByMonitor.get(id) ?? new Set<string>();
      pages.add(pageId);
      this.pagesByMonitor.set(id, pages);
    }
    this.subscribe(snapshot.page.organizationId);
    return model;
  }

  /**
   * One bus subscription per organization with a built page. A state change drops the pages that
   * show the monitor, and outdates every build in flight (it may have read the state before).
   */
  private subscribe(organizationId: string): void {
    if (this.orgSubscriptions.has(organizationId)) return;
    const unsubscribe = this.rt.bus.subscribe(organizationId, (event: LiveEvent) => {
      if (event.type === "status_page.changed") return this.drop(event.pageId);
      if (event.type !== "monitor.state") return;
      for (const pageId of this.building.keys()) {
        this.generations.set(pageId, this.generationOf(pageId) + 1);
      }
      for (const pageId of [...(this.pagesByMonitor.get(event.monitorId) ?? [])]) this.drop(pageId);
    });
    this.orgSubscriptions.set(organizationId, unsubscribe);
  }

  private drop(pageId: string): void {
    this.generations.set(pageId, this.generationOf(pageId) + 1);
    const model = this.models.get(pageId);
    this.models.delete(pageId);
    if (model && this.slugs.get(model.snapshot.page.slug) === pageId)
      this.slugs.delete(model.snapshot.page.slug);
    for (const listener of [...(this.listeners.get(pageId) ?? [])]) listener();
  }

  /** Removes everything known of the page but its generation and listeners. */
  private forget(pageId: string): void {
    const model = this.models.get(pageId);
    this.models.delete(pageId);
    if (model && this.slugs.get(model.snapshot.page.slug) === pageId)
      this.slugs.delete(model.snapshot.page.slug);
    for (const id of this.monitorsByPage.get(pageId) ?? []) {
      const pages = this.pagesByMonitor.get(id);
      pages?.delete(pageId);
      if (pages?.size === 0) this.pagesByMonitor.delete(id);
    }
    this.monitorsByPage.delete(pageId);
  }
}
