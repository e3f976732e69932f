import { type JobName, type JobPayloads, type JobPolicy, parseJob } from "./catalog.ts";

/** A payload that does not match the catalog: failed at once, never tried again. */
export class MalformedJobError extends Error {
  constructor(name: string, cause: unknown) {
    super(`malformed ${name} job: ${String(cause)}`, { cause });
    this.name = "MalformedJobError";
  }
}

/** Parses a dequeued payload against the catalog, or throws MalformedJobError. */
export function parseDequeued<N extends JobName>(name: N, payload: unknown): JobPayloads[N] {
  try {
    return parseJob(name, payload);
  } catch (err) {
    throw new MalformedJobError(name, err);
  }
}

/** A handler's attempt that outlived its catalog timeout. */
export class JobTimeoutError extends Error {
  constructor(name: string, timeoutMs: number) {
    super(`${name} ran past its ${timeoutMs} ms timeout`);
    this.name = "JobTimeoutError";
  }
}

/**
 * Runs one attempt of a handler under the job's timeout. The handler cannot be cancelled, so a
 * timed-out one may still finish later: handlers are idempotent (style guide §8), and a check's
 * result is stored once per slot whatever runs twice.
 */
export function runAttempt(name: string, policy: JobPolicy, attempt: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new JobTimeoutError(name, policy.timeoutMs)), policy.timeoutMs);
    attempt().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Wait before attempt `n + 1` (n ≥ 1): the catalog's backoff, doubled each time. */
export function backoffBefore(policy: JobPolicy, attemptsMade: number): number {
  return policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}
