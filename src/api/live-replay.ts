import { randomBytes } from "node:crypto";
import type { LiveBus, LiveEvent } from "../queue/bus.ts";

/**
 * How much of the live stream a reconnecting client can get back (docs/api.md#live-events): the
 * last `events` events of each organization, kept while a stream of it is open and `idleMs`
 * after the last one closed.
 */
export const REPLAY_LIMITS = { events: 500, idleMs: 10 * 60_000 } as const;

type Send = (id: string, event: LiveEvent) => void;

interface OrgLog {
  seq: number;
  events: Array<{ seq: number; event: LiveEvent }>;
  listeners: Set<Send>;
  unsubscribe: () => void;
  idle?: NodeJS.Timeout;
}

/**
 * Numbers each organization's live events (`<process epoch>.<sequence>`, the SSE `id:`) and
 * keeps the latest in a bounded buffer, so a client that reconnects with `Last-Event-ID` gets
 * what it missed. An id this process cannot continue from (another process or a restart, or
 * older than the buffer) is a gap: the stream says `stream.reset` and the client reloads.
 */
export class LiveReplay {
  readonly #epoch = randomBytes(6).toString("base64url");
  readonly #orgs = new Map<string, OrgLog>();

  constructor(
    private readonly bus: LiveBus,
    private readonly limits: { events: number; idleMs: number } = REPLAY_LIMITS,
  ) {}

  /**
   * Sends the events after `lastEventId` (when it can), then every new one, until `stop()`.
   * `gap` is true when `lastEventId` was given and events after it may be lost.
   */
  follow(
    organizationId: string,
    lastEventId: string | undefined,
    send: Send,
  ): { stop: () => void; gap: boolean } {
    const log = this.#log(organizationId);
    clearTimeout(log.idle);
    let gap = false;
    if (lastEventId !== undefined) {
      const after = this.#seqOf(lastEventId);
      const oldest = log.events[0]?.seq ?? log.seq + 1;
      if (after === undefined || after > log.seq || after < oldest - 1) gap = true;
      else for (const e of log.events) if (e.seq > after) send(this.#id(e.seq), e.event);
    }
    log.listeners.add(send);
    return {
      gap,
      stop: () => {
        log.listeners.delete(send);
        if (log.listeners.size === 0) {
          log.idle = setTimeout(() => this.#drop(organizationId), this.limits.idleMs);
          log.idle.unref();
        }
      },
    };
  }

  /** Ends every subscription (the server closes). */
  close(): void {
    for (const id of [...this.#orgs.keys()]) this.#drop(id);
  }

  #log(organizationId: string): OrgLog {
    const log = this.#orgs.get(organizationId);
    if (log) return log;
    const created: OrgLog = { seq: 0, events: [], listeners: new Set(), unsubscribe: () => {} };
    created.unsubscribe = this.bus.subscribe(organizationId, (event) => {
      const seq = ++created.seq;
      created.events.push({ seq, event });
      if (created.events.length > this.limits.events) created.events.shift();
      for (const send of created.listeners) send(this.#id(seq), event);
    });
    this.#orgs.set(organizationId, created);
    return created;
  }

  #drop(organizationId: string): void {
    const log = this.#orgs.get(organizationId);
    if (!log) return;
    clearTimeout(log.idle);
    log.unsubscribe();
    this.#orgs.delete(organizationId);
  }

  #id(seq: number): string {
    return `${this.#epoch}.${seq}`;
  }

  #seqOf(id: string): number | undefined {
    const [epoch, seq] = id.split(".");
    return epoch === this.#epoch && seq && /^\d{1,15}$/.test(seq) ? Number(seq) : undefined;
  }
}
