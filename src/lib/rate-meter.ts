import { monotonic } from "./clock.ts";

/**
 * Events per second over the last few seconds: two windows of `windowMs`, the current one and the
 * one before, so the figure moves smoothly and forgets a pace that ended.
 */
export class RateMeter {
  private current = 0;
  private previous = 0;
  private currentStart: number;

  constructor(
    private readonly windowMs = 2_000,
    private readonly now: () => number = monotonic,
  ) {
    this.currentStart = now();
  }

  tick(count = 1): void {
    this.roll();
    this.current += count;
  }

  perSecond(): number {
    this.roll();
    const elapsed = this.now() - this.currentStart + this.windowMs;
    return ((this.current + this.previous) * 1_000) / elapsed;
  }

  private roll(): void {
    const t = this.now();
    if (t - this.currentStart < this.windowMs) return;
    // One window on: the current becomes the previous; more than one: both are stale.
    this.previous = t - this.currentStart < 2 * this.windowMs ? this.current : 0;
    this.current = 0;
    this.currentStart = t - ((t - this.currentStart) % this.windowMs);
  }
}
