/**
 * Live events for SSE clients and caches: state changes and new results, per organization.
 * In-process (MemoryBus) for the embedded default; across processes on Redis pub/sub
 * (redis-bus.ts), behind the same interface.
 */
export type LiveEvent =
  | {
      type: "monitor.state";
      organizationId: string;
      monitorId: string;
      from: string;
      to: string;
      at: string;
      incidentId: string | null;
    }
  | {
      type: "check.result";
      organizationId: string;
      monitorId: string;
      region: string;
      status: string;
      slotAt: string;
      totalMs: number;
    }
  | {
      /**
       * An incident opened or resolved (the evaluator), was acknowledged, changed by a person
       * (status, assignee, postmortem) or got a note. Clients re-read it.
       */
      type: "incident.changed";
      organizationId: string;
      incidentId: string;
      monitorId: string;
      change: "opened" | "resolved" | "acknowledged" | "updated" | "note";
    }
  | {
      /**
       * A status page changed: its settings or components (created, edited, deleted), or its
       * incidents (posted, updated, published, a draft prepared). Caches of it are dropped.
       */
      type: "status_page.changed";
      organizationId: string;
      pageId: string;
    }
  | {
      /**
       * A delivery of the outbox moved on (the notifier claimed it, recorded an attempt, or a
       * person sent a dead letter again). Clients re-read the deliveries they show.
       */
      type: "delivery.changed";
      organizationId: string;
      notificationId: string;
      channelId: string;
      status: "sending" | "pending" | "sent" | "failed";
    };

export interface LiveBus {
  publish(event: LiveEvent): void;
  subscribe(organizationId: string, listener: (event: LiveEvent) => void): () => void;
}

export class MemoryBus implements LiveBus {
  private readonly listeners = new Map<string, Set<(event: LiveEvent) => void>>();

  publish(event: LiveEvent): void {
    for (const listener of this.listeners.get(event.organizationId) ?? []) listener(event);
  }

  subscribe(organizationId: string, listener: (event: LiveEvent) => void): () => void {
    let set = this.listeners.get(organizationId);
    if (!set) {
      set = new Set();
      this.listeners.set(organizationId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }
}
