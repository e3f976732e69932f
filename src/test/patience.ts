import { availableParallelism, loadavg } from "node:os";

/**
 * How long a test may wait for a condition (a request to arrive, a row to appear, a mail to be
 * delivered) before it reports a hang — on a quiet machine. The suite runs on busy machines (two
 * cores, load averages of 10 to 30), where what takes 50 ms on a quiet one takes seconds, so every
 * wait built on `waitUntil` stretches this by `slowdown()`. Waits end as soon as their condition
 * holds, so patience costs nothing when things go well. Never use it as a budget that a correct
 * program must beat: assert on what happened, not on how long it took.
 */
export const PATIENCE_MS = 60_000;

/** The most a deadline is stretched: past this, a wait is reported as a hang whatever the load. */
const MAX_SLOWDOWN = 20;

/**
 * How many times slower than a quiet machine this one runs now: runnable processes per core over
 * the last minute (os.loadavg), at least 1, at most MAX_SLOWDOWN.
 */
export function slowdown(): number {
  const perCore = loadavg()[0]! / availableParallelism();
  return Math.min(MAX_SLOWDOWN, Math.max(1, perCore));
}

/** A timeout for vitest (test or hook) that is `ms` on a quiet machine, stretched by the load now. */
export const scaledTimeout = (ms: number) => Math.round(ms * slowdown());

/**
 * A deadline that scales with the load while it runs: `ms` of quiet-machine time, where each real
 * millisecond counts 1/slowdown() of one. `expired()` tells whether it has run out.
 */
export function scaledDeadline(ms: number): { expired(): boolean; waitedMs(): number } {
  const started = Date.now();
  let last = started;
  let used = 0;
  return {
    expired() {
      const now = Date.now();
      used += (now - last) / slowdown();
      last = now;
      return used > ms;
    },
    waitedMs: () => Date.now() - started,
  };
}
