import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "../lib/logger.ts";
import { type LiveBus, type LiveEvent, MemoryBus } from "./bus.ts";

const CHANNEL_SUFFIX = "live";

/** How long a start waits for Redis before giving up with an error (docs/scaling.md). */
export const REDIS_START_TIMEOUT_MS = 15_000;

/**
 * The live bus across processes, on Redis pub/sub (docs/scaling.md has the measurements that
 * chose it over PostgreSQL LISTEN/NOTIFY). An event reaches this process's subscribers at once,
 * as with the in-process bus, and every other process through one channel; a process skips its
 * own messages by origin. Pub/sub is at most once: a process that was disconnected misses what was
 * published meanwhile, so readers re-read on reconnect (SSE clients do; caches expire).
 */
export class RedisBus implements LiveBus {
  private readonly local = new MemoryBus();
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channel: string;

  private constructor(
    url: string,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.channel = `${prefix}:${CHANNEL_SUFFIX}`;
    this.pub = new Redis(url, { maxRetriesPerRequest: 1 });
    this.sub = new Redis(url, { maxRetriesPerRequest: null });
    for (const c of [this.pub, this.sub]) c.on("error", (err) => log.warn({ err }, "live bus: redis error"));
    this.sub.on("message", (_channel: string, message: string) => this.receive(message));
  }

  /**
   * Connects and subscribes before resolving, so nothing published after start is missed. A Redis
   * that cannot be reached within `timeoutMs` fails the start with one clear error: the queue and
   * the live bus are on it, so running on without it would leave other processes' work unseen.
   */
  static async open(
    url: string,
    log: Logger,
    prefix = "upblit",
    timeoutMs = REDIS_START_TIMEOUT_MS,
  ): Promise<RedisBus> {
    const bus = new RedisBus(url, prefix, log);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `cannot reach Redis at REDIS_URL within ${timeoutMs / 1000} s; with DATABASE_URL it carries the job queue and the live bus (docs/scaling.md)`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([bus.sub.subscribe(bus.channel), timedOut]);
      return bus;
    } catch (err) {
      bus.sub.disconnect();
      bus.pub.disconnect();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  publish(event: LiveEvent): void {
    this.local.publish(event);
    this.pub
      .publish(this.channel, JSON.stringify({ origin: this.origin, event }))
      .catch((err: unknown) => this.log.warn({ err }, "live bus: publish failed"));
  }

  subscribe(organizationId: string, listener: (event: LiveEvent) => void): () => void {
    return this.local.subscribe(organizationId, listener);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    await this.pub.quit().catch(() => this.pub.disconnect());
  }

  private receive(message: string): void {
    try {
      const { origin, event } = JSON.parse(message) as { origin: string; event: LiveEvent };
      // Only our own processes publish here; the shape is ours (no user input crosses raw).
      if (origin !== this.origin && typeof event?.organizationId === "string") this.local.publish(event);
    } catch (err) {
      this.log.warn({ err }, "live bus: unreadable message");
    }
  }
}
