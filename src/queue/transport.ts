import type { Logger } from "../lib/logger.ts";
import { type LiveBus, MemoryBus } from "./bus.ts";
import { MemoryQueue } from "./drivers/memory.ts";
import type { JobQueue } from "./queue.ts";

export interface Transport {
  queue: JobQueue;
  bus: LiveBus & { close?(): Promise<void> };
  /** `redis` when roles may run in other processes (PostgreSQL and Redis), else `memory`. */
  kind: "redis" | "memory";
}

/**
 * The job queue and live bus of this process. With PostgreSQL and Redis both configured they are
 * on Redis (BullMQ, pub/sub), so roles may run in separate processes. The embedded database
 * serves one process only, so with PGlite they stay in memory even when a Redis URL is set (it
 * then holds rate limits only).
 */
export async function openTransport(
  settings: { redis: { url: string; prefix: string } | undefined; sharedDatabase: boolean },
  log: Logger,
): Promise<Transport> {
  const { redis } = settings;
  if (redis && settings.sharedDatabase) {
    // BullMQ and ioredis only with Redis: the one-process default never loads them.
    const [{ BullmqQueue }, { RedisBus }] = await Promise.all([
      import("./drivers/bullmq.ts"),
      import("./redis-bus.ts"),
    ]);
    return {
      queue: new BullmqQueue({ url: redis.url, prefix: redis.prefix, log }),
      bus: await RedisBus.open(redis.url, log, redis.prefix),
      kind: "redis",
    };
  }
  // Payloads never leave the process and are typed at compile time: nothing to parse (memory.ts).
  return { queue: new MemoryQueue(log, { parse: false }), bus: new MemoryBus(), kind: "memory" };
}
