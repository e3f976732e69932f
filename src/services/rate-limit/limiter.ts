import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { Logger } from "../../lib/logger.ts";
import { MONITOR_TESTS_PER_ORG, PUBLIC_PER_IP, RATE_LIMITS, type RateLimitSettings } from "./settings.ts";

/**
 * The counters behind every rate limit, in Redis (shared by every API process) or in this
 * process's memory. Each counter is a rate-limiter-flexible limiter; keys are namespaced by
 * `settings.keyPrefix` and the counter's name.
 */
export interface RateLimits {
  settings: RateLimitSettings;
  /** "redis", or "memory" when no REDIS_URL is configured. */
  store: "redis" | "memory";
  /** Failed credential attempts per account key, counted with penalty/reward. */
  accountFailures: RateLimiterAbstract;
  /** Failed credential attempts per IP. */
  ipFailures: RateLimiterAbstract;
  /** One point per key: the single attempt allowed beyond the allowance, and back-off blocks. */
  attemptSlots: RateLimiterAbstract;
  credentialRequestsPerIp: RateLimiterAbstract;
  mailPerEmail: RateLimiterAbstract;
  mailPerIp: RateLimiterAbstract;
  apiPerKey: RateLimiterAbstract;
  apiPerUser: RateLimiterAbstract;
  publicPerIp: RateLimiterAbstract;
  monitorTestsPerOrg: RateLimiterAbstract;
  close(): Promise<void>;
}

/** How long to wait for a Redis answer before this request falls back to memory. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
/** How long start-up waits for the first Redis connection before going on without it. */
const REDIS_CONNECT_WAIT_MS = 2_000;

/**
 * Opens the rate-limit store. With a Redis URL every counter lives in Redis; when Redis is
 * unreachable or slow, each operation falls back to an in-memory twin of the counter
 * (rate-limiter-flexible's insuranceLimiter), so requests are still limited — per process — and
 * never fail because of Redis. Without a URL the counters live in memory.
 */
export async function openRateLimits(options: {
  redisUrl: string | undefined;
  log: Logger;
  settings?: RateLimitSettings;
}): Promise<RateLimits> {
  const settings = options.settings ?? RATE_LIMITS;
  const redis = options.redisUrl ? await connectRedis(options.redisUrl, options.log) : undefined;
  const counter = (name: string, limit: number, seconds: number): RateLimiterAbstract => {
    const base = { keyPrefix: `${settings.keyPrefix}:${name}`, points: limit, duration: seconds };
    const memory = new RateLimiterMemory(base);
    if (!redis) return memory;
    return new RateLimiterRedis({
      ...base,
      storeClient: redis,
      // Not connected: go straight to memory instead of queueing behind a reconnect.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const c = settings.credentials;
  const publicPerIp = settings.public?.perIp ?? PUBLIC_PER_IP;
  const monitorTests = settings.monitorTests?.perOrg ?? MONITOR_TESTS_PER_ORG;
  return {
    settings,
    store: redis ? "redis" : "memory",
    // Failure counters never refuse by themselves; the limit is only their expiry's default.
    accountFailures: counter("fail:acct", c.account.free, c.account.memorySeconds),
    ipFailures: counter("fail:ip", c.ip.free, c.ip.memorySeconds),
    attemptSlots: counter("slot", 1, c.attemptSlotSeconds),
    credentialRequestsPerIp: counter("cred:ip", c.requestsPerIp.limit, c.requestsPerIp.seconds),
    mailPerEmail: counter("mail:email", settings.mail.perEmail.limit, settings.mail.perEmail.seconds),
    mailPerIp: counter("mail:ip", settings.mail.perIp.limit, settings.mail.perIp.seconds),
    apiPerKey: counter("api:key", settings.api.perKey.limit, settings.api.perKey.seconds),
    apiPerUser: counter("api:user", settings.api.perUser.limit, settings.api.perUser.seconds),
    publicPerIp: counter("public:ip", publicPerIp.limit, publicPerIp.seconds),
    monitorTestsPerOrg: counter("test:org", monitorTests.limit, monitorTests.seconds),
    close: async () => {
      if (!redis) return;
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/**
 * A Redis client that fails fast (no offline queue, short command timeout) and keeps reconnecting
 * in the background. Connection loss and recovery are logged once each, not on every retry.
 */
async function connectRedis(url: string, log: Logger): Promise<Redis> {
  // ioredis only when Redis is configured: not loaded at all otherwise.
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_CONNECT_WAIT_MS,
  });
  let down = false;
  redis.on("error", (err: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { err: { message: err.message } },
      "Redis unavailable: rate limits fall back to this process's memory",
    );
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info("Redis reachable again: rate limits are shared again");
  });
  // Wait for the first connection or its first failure, whichever comes first, at most briefly.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_CONNECT_WAIT_MS);
    redis.once("ready", done);
    redis.once("error", done);
  });
  return redis;
}
