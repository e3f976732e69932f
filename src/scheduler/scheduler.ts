import type { Logger } from "../lib/logger.ts";

export interface SchedulerDeps<T> {
  /** Claims up to `limit` due slots and returns them; the claim itself is durable. */
  claim: (limit: number) => Promise<T[]>;
  enqueue: (job: T) => Promise<void>;
  /** How many more checks may be queued now (keeps the queue short when probes are saturated). */
  capacity: () => number;
  /** Skips slots missed while down; run once before the first tick. */
  resume: () => Promise<number>;
  log: Logger;
  tickMs?: number;
}

/**
 * The scheduler only finds due slots and enqueues check jobs; it knows nothing of probes or
 * storage beyond the callbacks it is given. Ticks are frequent and cheap: one claim query each.
 */
export class Scheduler<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly deps: SchedulerDeps<T>) {}

  async start(): Promise<void> {
    this.stopped = false;
    const skipped = await this.deps.resume();
    this.deps.log.info({ skipped }, "scheduler started; missed slots skipped");
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().then((more) => this.schedule(more ? 0 : (this.deps.tickMs ?? 200)));
    }, delayMs);
  }

  /** One pass; returns true when it filled its capacity and should run again at once. */
  private async tick(): Promise<boolean> {
    const limit = this.deps.capacity();
    if (limit <= 0) return false;
    try {
      const jobs = await this.deps.claim(limit);
      for (const job of jobs) await this.deps.enqueue(job);
      return jobs.length === limit;
    } catch (err) {
      this.deps.log.error({ err }, "scheduler tick failed; retrying");
      return false;
    }
  }
}
