import { useEffect, useSyncExternalStore } from "react";
import { sdk } from "../../api/client.ts";
import type { MonitorSummary } from "./list-model.ts";

/** How many last checks a row keeps (the server sends 30). */
const SLOTS = 30;
/** One summaries request takes this many ids (the server's limit). */
const BATCH = 200;
/** A summary older than this is fetched again when its row is shown (uptime moves slowly). */
const STALE_MS = 60_000;

interface Entry {
  summary: MonitorSummary;
  fetchedAt: number;
}

/**
 * The row extras (last checks, uptime) of the monitors the list has shown, by id. Outside the
 * query cache: rows ask for the ids they show, a whole window at once (GET /monitors/summaries),
 * and live `check.result` events append to an entry in place, without a request.
 */
class SummaryStore {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getVersion = () => this.version;

  get(id: string): MonitorSummary | undefined {
    return this.entries.get(id)?.summary;
  }

  /** Fetches what these rows lack (or hold stale), in batches of 200 ids. */
  async want(ids: string[], now = Date.now()): Promise<void> {
    const missing = ids.filter((id) => {
      if (this.inFlight.has(id)) return false;
      const e = this.entries.get(id);
      return !e || now - e.fetchedAt > STALE_MS;
    });
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH);
      for (const id of batch) this.inFlight.add(id);
      try {
        const res = await sdk.op.getMonitorSummaries({ query: { ids: batch.join(",") } });
        const at = Date.now();
        for (const s of res.items) this.entries.set(s.monitorId, { summary: s, fetchedAt: at });
        this.changed();
      } catch {
        // Rows keep their placeholder; the next scroll or refresh asks again.
      } finally {
        for (const id of batch) this.inFlight.delete(id);
      }
    }
  }

  /** A live result: the newest slot of the bar (a region's result for a slot already shown merges). */
  addResult(id: string, r: { slotAt: string; status: string; totalMs: number | null }): void {
    const e = this.entries.get(id);
    if (!e) return;
    const recent = [...e.summary.recent];
    const last = recent.at(-1);
    const worse = (a: string, b: string) => (RANK[a] ?? 3) < (RANK[b] ?? 3);
    if (last && last.at === r.slotAt) {
      recent[recent.length - 1] = {
        at: last.at,
        status: worse(r.status, last.status) ? r.status : last.status,
        totalMs: r.totalMs === null ? last.totalMs : Math.max(r.totalMs, last.totalMs ?? 0),
      };
    } else {
      recent.push({ at: r.slotAt, status: r.status, totalMs: r.totalMs });
      if (recent.length > SLOTS) recent.shift();
    }
    e.summary = { ...e.summary, recent };
    this.changed();
  }

  clear(): void {
    this.entries.clear();
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

const RANK: Record<string, number> = { down: 0, degraded: 1, unknown: 2, up: 3 };

export const summaries = new SummaryStore();

const NEVER = () => () => {};
const ZERO = () => 0;

/**
 * Re-renders when any summary changes (only while `enabled`); read entries with `summaries.get(id)`.
 */
export function useSummaries(enabled = true): number {
  return useSyncExternalStore(enabled ? summaries.subscribe : NEVER, enabled ? summaries.getVersion : ZERO);
}

/** Asks for the summaries of the rows in view, once the view has settled for a moment. */
export function useWantSummaries(ids: string[]): void {
  const key = ids.join(",");
  useEffect(() => {
    if (!key) return;
    const timer = setTimeout(() => void summaries.want(key.split(",")), 120);
    return () => clearTimeout(timer);
  }, [key]);
}
