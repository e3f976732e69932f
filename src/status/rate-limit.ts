import { type RateLimiterAbstract, RateLimiterMemory } from "rate-limiter-flexible";
import { consumeOrRefuse } from "../services/rate-limit/refuse.ts";

/** Requests per IP to the public status routes (pages, JSON, badges, streams, login). */
export const STATUS_REQUESTS_PER_IP = { limit: 600, seconds: 60 } as const;

/**
 * The per-IP counter of the public status routes. It lives in this process's memory: with several
 * API processes behind a balancer each counts its own share (docs/status-pages.md).
 */
export function statusRequestLimiter(
  window: { limit: number; seconds: number } = STATUS_REQUESTS_PER_IP,
): RateLimiterAbstract {
  return new RateLimiterMemory({ keyPrefix: "status:ip", points: window.limit, duration: window.seconds });
}

/** One public request from `ip`; LIMIT_EXCEEDED (429 with Retry-After) past the window's cap. */
export function countStatusRequest(limiter: RateLimiterAbstract, ip: string): Promise<void> {
  return consumeOrRefuse(limiter, ip, "Too many requests from this address; slow down");
}
