import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";

/** How soon to look again when the probes had no room for more checks. */
const SATURATED_RETRY_MS = 25;

export interface SchedulerDeps<T extends { slotAt: number }> {
  /** Claims up to `limit` slots due before `horizon` (ms); the claim itself is durable. */
  claim: (limit: number, horizon: number) => Promise<T[]>;
  enqueue: (job: T) => Promise<void>;
  /**
   * How many more checks may be queued now (keeps the queue short when probes are saturated):
   * read from the queue, which sees every probe's backlog, not from counters of this process.
   */
  capacity: () => number | Promise<number>;
  /**
   * While the probes are saturated, wait until this much room is free before claiming (default 1):
   * a claim costs a fixed few milliseconds, so a few large claims are cheaper than many small ones.
   */
  minClaim?: number;
  /** Re-aligns schedules to the clock (missed slots skipped); at start and after a clock step back. */
  resume: () => Promise<number>;
  clock: Clock;
  log: Logger;
  tickMs?: number;
}

/**
 * The scheduler only finds due slots and enqueues check jobs; it knows nothing of probes or
 * storage beyond the callbacks it is given. Each tick claims the slots due within the next tick
 * and releases each job at its due time, so lateness is not bounded below by the tick length.
 */
export class Scheduler<T extends { slotAt: number }> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly held = new Set<Promise<void>>();
  private readonly tickMs: number;
  private lastTickAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: SchedulerDeps<T>) {
    this.tickMs = deps.tickMs ?? 1_000;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const skipped = await this.deps.resume();
    this.deps.log.info({ skipped }, "scheduler started; missed slots skipped");
    this.schedule(0);
  }

  /** Stops claiming; slots already claimed are still released (at most one tick of them). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all(this.held);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().then((next) => this.schedule(next));
    }, delayMs);
  }

  /**
   * One pass; returns the delay until the next: at once when it filled the room it had (more may
   * be due), soon when there was no room (probes are saturated: look again as they drain), else
   * a tick.
   */
  private async tick(): Promise<number> {
    try {
      const limit = (await this.deps.capacity()) - this.held.size;
      if (limit < Math.max(1, this.deps.minClaim ?? 1)) return SATURATED_RETRY_MS;
      const now = this.deps.clock.now();
      if (now < this.lastTickAt - this.tickMs) {
        // The wall clock stepped back: slots would sit in the future until it caught up.
        const moved = await this.deps.resume();
        this.deps.log.warn(
          { steppedBackMs: this.lastTickAt - now, moved },
          "clock stepped back; schedules re-aligned",
        );
      }
      this.lastTickAt = now;
      const jobs = await this.deps.claim(limit, now + this.tickMs);
      for (const job of jobs) this.release(job);
      return jobs.length === limit ? 0 : this.tickMs;
    } catch (err) {
      this.deps.log.error({ err }, "scheduler tick failed; retrying");
      return this.tickMs;
    }
  }

  private release(job: T): void {
    // Claimed slots are due within one tick; the cap keeps a clock stepping back meanwhile from
    // holding a check for the length of the step.
    const wait = Math.min(job.slotAt - this.deps.clock.now(), this.tickMs);
    if (wait <= 0) {
      void this.enqueue(job);
      return;
    }
    const held: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => this.enqueue(job))
      .finally(() => this.held.delete(held));
    this.held.add(held);
  }

  private async enqueue(job: T): Promise<void> {
    try {
      await this.deps.enqueue(job);
    } catch (err) {
      this.deps.log.error({ err, slotAt: job.slotAt }, "could not enqueue a claimed check");
    }
  }
}
