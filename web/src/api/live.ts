import { type InfiniteData, type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { summaries } from "../features/monitors/summaries-store.ts";
import type { components } from "./schema";

export type LiveStatus = "connecting" | "open" | "closed";

/** One event of `GET /api/v1/events`, as JSON. */
export interface LiveMessage {
  type: string;
  data: Record<string, unknown>;
}

const TYPES = [
  "monitor.state",
  "check.result",
  "status_page.changed",
  "incident.changed",
  "delivery.changed",
  "session.ended",
];

/** Deliveries move in bursts (an outage alerts many channels): re-read them at most this often. */
const DELIVERY_REFRESH_MS = 1_000;

/**
 * Subscribes to the live event stream (cookies; same origin) and hands each event to `onEvent`.
 * EventSource reconnects by itself; the status lets the page show "live" or "reconnecting".
 */
export function useLiveEvents(onEvent: (msg: LiveMessage) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  useEffect(() => {
    const source = new EventSource("/api/v1/events");
    source.onopen = () => {
      setStatus("open");
      lastEvent.touch();
    };
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "connecting");
    const listeners = TYPES.map((type) => {
      const listener = (e: MessageEvent<string>) => {
        lastEvent.touch();
        onEvent({ type, data: JSON.parse(e.data) });
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.close();
    };
  }, [onEvent]);
  return status;
}

/** When the stream last said something (an event or its opening), for "updated at" displays. */
const lastEvent = (() => {
  let at = 0;
  const listeners = new Set<() => void>();
  return {
    touch() {
      at = Date.now();
      for (const l of listeners) l();
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get: () => at,
  };
})();

/** The time of the last live event or (re)connection, 0 before any. */
export function useLastLiveEventAt(): number {
  return useSyncExternalStore(lastEvent.subscribe, lastEvent.get);
}

type Monitor = components["schemas"]["Monitor"];
type MonitorPage = { items: Monitor[]; nextCursor: string | null };
interface StateChange {
  state: Monitor["state"];
  since: string;
}

/**
 * Applies state changes to every cached monitor list in place: only the pages holding a changed
 * monitor get new objects, so a 10,000-row list re-renders the rows that changed and nothing is
 * fetched again. Lists are `["monitors", ...]` queries holding a page or infinite pages.
 */
export function applyStateChanges(client: QueryClient, changes: Map<string, StateChange>): void {
  const patchPage = (page: MonitorPage): MonitorPage => {
    let touched = false;
    const items = page.items.map((m) => {
      const c = changes.get(m.id);
      if (!c || (m.state === c.state && m.stateSince === c.since)) return m;
      touched = true;
      return { ...m, state: c.state, stateSince: c.since };
    });
    return touched ? { ...page, items } : page;
  };
  client.setQueriesData<MonitorPage | InfiniteData<MonitorPage>>({ queryKey: ["monitors"] }, (old) => {
    if (!old || typeof old !== "object") return old;
    if ("pages" in old && Array.isArray(old.pages)) {
      const pages = old.pages.map((p) => (p && Array.isArray(p.items) ? patchPage(p) : p));
      return pages.every((p, i) => p === old.pages[i]) ? old : { ...old, pages };
    }
    if ("items" in old && Array.isArray(old.items)) return patchPage(old);
    return old;
  });
  for (const [id, c] of changes) {
    client.setQueryData<Monitor>(["monitor", id], (m) =>
      m ? { ...m, state: c.state, stateSince: c.since } : m,
    );
  }
}

/**
 * Live events update what they make stale. State changes and results are patched into the cached
 * lists and summaries in place (batched per animation frame, at most ~100 ms late); a monitor's
 * own page refetches; incident lists refetch on state changes; the deliveries screen and the
 * channels' last outcomes refetch (at most once a second) when deliveries move on.
 */
export function useLiveInvalidation(): LiveStatus {
  const client = useQueryClient();
  const [handler] = useState(() => {
    let pending = new Map<string, StateChange>();
    let scheduled = false;
    let deliveriesDue = false;
    const refreshDeliveries = () => {
      deliveriesDue = false;
      void client.invalidateQueries({ queryKey: ["deliveries"] });
      void client.invalidateQueries({ queryKey: ["channels", "last-deliveries"] });
    };
    const flush = () => {
      scheduled = false;
      const changes = pending;
      pending = new Map();
      applyStateChanges(client, changes);
    };
    return (msg: LiveMessage) => {
      const id = msg.data.monitorId;
      if (msg.type === "monitor.state" && typeof id === "string") {
        pending.set(id, { state: msg.data.to as Monitor["state"], since: String(msg.data.at) });
        if (!scheduled) {
          scheduled = true;
          setTimeout(flush, 50);
        }
        void client.invalidateQueries({ queryKey: ["monitor", id] });
        void client.invalidateQueries({ queryKey: ["incidents"] });
      }
      if (msg.type === "check.result" && typeof id === "string") {
        summaries.addResult(id, {
          slotAt: String(msg.data.slotAt),
          status: String(msg.data.status),
          totalMs:
            msg.data.status === "up" || msg.data.status === "degraded" ? Number(msg.data.totalMs) : null,
        });
        void client.invalidateQueries({ queryKey: ["monitor", id] });
      }
      if (msg.type.startsWith("incident")) void client.invalidateQueries({ queryKey: ["incidents"] });
      if (msg.type === "delivery.changed" && !deliveriesDue) {
        deliveriesDue = true;
        setTimeout(refreshDeliveries, DELIVERY_REFRESH_MS);
      }
    };
  });
  return useLiveEvents(handler);
}
