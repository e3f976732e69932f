/** Wall time comes from a Clock so tests can control it; durations use `monotonic()`. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Milliseconds from a monotonic source, for latency measurements. */
export function monotonic(): number {
  return performance.now();
}
