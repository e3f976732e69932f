import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../../lib/errors.ts";

/** LIMIT_EXCEEDED with the wait, which the API turns into a 429 with `Retry-After`. */
export function tooManyRequests(message: string, waitMs: number): AppError {
  return new AppError("LIMIT_EXCEEDED", message, {
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

/**
 * The wait a limiter's refusal carries. Limiters refuse by rejecting with a RateLimiterRes;
 * anything else is a real error and is rethrown.
 */
export function waitOfRefusal(rejection: unknown): number {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  return Math.max(0, rejection.msBeforeNext);
}

/** Takes one point for `key`, or refuses with LIMIT_EXCEEDED when its window is used up. */
export async function consumeOrRefuse(
  limiter: RateLimiterAbstract,
  key: string,
  message: string,
): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    throw tooManyRequests(message, waitOfRefusal(rejection));
  }
}
