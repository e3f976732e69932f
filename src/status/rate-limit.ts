import { tooManyRequests } from "../services/rate-limit/refuse.ts";

/** Requests per IP to the public status routes (pages, JSON, badges, streams, login). */
export const STATUS_REQUESTS_PER_IP = { limit: 600, seconds: 60 } as const;

/**
 * The per-IP counter of the public status routes. It lives in this process's memory: with several
 * API processes behind a balancer each counts its own share (docs/status-pages.md).
 *
 * Fixed windows that start at an address's first request, as rate-limiter-flexible's memory
 * limiter counts, but synchronous: these routes answer from memory thousands of times a second,
 * and a promise per request was a measurable share of their CPU (docs/benchmarks.md).
 */
export class StatusRequestLimiter {
  private windows = new Map<string, { count: number; endsAtMs: number }>();
  private nextSweepMs = 0;
  private readonly windowMs: number;

  constructor(
    private readonly window: { limit: number; seconds: number } = STATUS_REQUESTS_PER_IP,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = window.seconds * 1000;
  }

  /** Counts one request from `ip`: 0 when it may go on, else the milliseconds until its window ends. */
  take(ip: string): number {
    const now = this.now();
    // Ended windows are dropped once per window length, so memory follows the addresses seen lately.
    if (now >= this.nextSweepMs) this.sweep(now);
    let counted = this.windows.get(ip);
    if (!counted || now >= counted.endsAtMs) {
      counted = { count: 0, endsAtMs: now + this.windowMs };
      this.windows.set(ip, counted);
    }
    counted.count += 1;
    return counted.count > this.window.limit ? counted.endsAtMs - now : 0;
  }

  private sweep(now: number): void {
    for (const [ip, counted] of this.windows) if (now >= counted.endsAtMs) this.windows.delete(ip);
    this.nextSweepMs = now + this.windowMs;
  }
}

/** One public request from `ip`: throws LIMIT_EXCEEDED (429 with Retry-After) past the window's cap. */
export function countStatusRequest(limiter: StatusRequestLimiter, ip: string): void {
  const waitMs = limiter.take(ip);
  if (waitMs > 0) throw tooManyRequests("Too many requests from this address; slow down", waitMs);
}
