import { monotonic } from "../lib/clock.ts";
import { ProbeFailure } from "./probe-error.ts";

/** The one hard timeout of a check: every phase listens to `signal`, and `race` ends at the deadline. */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly startedAt: number;
  elapsed(): number;
  expired(): boolean;
  /** Settles with the promise, or rejects with a timeout failure when the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T>;
  dispose(): void;
}

export function startDeadline(timeoutMs: number): Deadline {
  const controller = new AbortController();
  const startedAt = monotonic();
  const timer = setTimeout(() => controller.abort(timeoutFailure()), clampDelay(timeoutMs));
  const signal = controller.signal;
  return {
    signal,
    startedAt,
    elapsed: () => monotonic() - startedAt,
    expired: () => signal.aborted,
    race: (promise) => raceSignal(promise, signal),
    dispose: () => clearTimeout(timer),
  };
}

// setTimeout fires at once for NaN or anything above 2^31-1 ms; the API bounds timeouts, this is a backstop.
const MAX_DELAY_MS = 2 ** 31 - 1;

function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_DELAY_MS) : MAX_DELAY_MS;
}

export function timeoutFailure(): ProbeFailure {
  return new ProbeFailure("timeout", "check timed out");
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(timeoutFailure());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeoutFailure());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
