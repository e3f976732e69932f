import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";

/** How soon to look again when the probes had no room for more checks. */
const SATURATED_RETRY_MS = 25;
/**
 * Default width of a release group (SchedulerDeps.releaseWindowMs). 75 ms, not the 25 ms it was:
 * at 50 checks/s 25 ms held 1.25 checks a wake-up on average and the process still woke for
 * nearly every check; 75 ms holds about 3.75. It is also the most lateness batching adds, and
 * the p99 bound is 250 ms: at 100 ms a loaded machine's own stalls took p99 to 234 ms, so 75 ms
 * leaves room for them (issue 20, docs/benchmarks.md "Checks at a pace").
 */
const RELEASE_WINDOW_MS = 75;
/**
 * Default most checks in one release group (SchedulerDeps.releaseMax). Past a few checks a
 * wake-up there is little left to share, so at high paces (150 checks/s fills a 75 ms window
 * with 11) a full group closes early instead of opening that many connections at once.
 */
const RELEASE_MAX = 8;

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
  /**
   * Checks due within this many ms of the first of a group are released together, at the due
   * time of the group's last (never early; at most this late), on one timer (default 75; 0: each
   * on its own). At tens of checks a second most of a check's cost is waking an idle process, so
   * a few checks a wake-up cost less than one each, while over any span longer than the window
   * the release stays as spread as the slots.
   */
  releaseWindowMs?: number;
  /** At most this many checks in one release group (default 8; see RELEASE_MAX). */
  releaseMax?: number;
  /** Identity of a job's monitor: a group never holds two checks of one (default: none). */
  keyOf?: (job: T) => string;
}

/**
 * The scheduler only finds due slots and enqueues check jobs; it knows nothing of probes or
 * storage beyond the callbacks it is given. Each tick claims the slots due within the next tick
 * and releases them at their due times, so lateness is not bounded below by the tick length:
 * checks due within `releaseWindowMs` of each other go together, on one timer (groupByRelease).
 */
export class Scheduler<T extends { slotAt: number }> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly held = new Set<Promise<void>>();
  /** Checks claimed and not yet released (held groups hold several each). */
  private heldChecks = 0;
  private readonly tickMs: number;
  private readonly releaseWindowMs: number;
  private readonly releaseMax: number;
  private lastTickAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: SchedulerDeps<T>) {
    this.tickMs = deps.tickMs ?? 1_000;
    this.releaseWindowMs = Math.max(0, deps.releaseWindowMs ?? RELEASE_WINDOW_MS);
    this.releaseMax = Math.max(1, deps.releaseMax ?? RELEASE_MAX);
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
      const limit = (await this.deps.capacity()) - this.heldChecks;
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
      const groups = groupByRelease(jobs, this.releaseWindowMs, this.deps.keyOf, this.releaseMax);
      for (const group of groups) this.release(group);
      return jobs.length === limit ? 0 : this.tickMs;
    } catch (err) {
      this.deps.log.error({ err }, "scheduler tick failed; retrying");
      return this.tickMs;
    }
  }

  /** Releases a group at its last check's due time: one timer, one wake-up for all of them. */
  private release(group: T[]): void {
    const last = group[group.length - 1] as T;
    // Claimed slots are due within one tick; the cap keeps a clock stepping back meanwhile from
    // holding a check for the length of the step.
    const wait = Math.min(last.slotAt - this.deps.clock.now(), this.tickMs);
    if (wait <= 0) {
      for (const job of group) void this.enqueue(job);
      return;
    }
    this.heldChecks += group.length;
    const held: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => Promise.all(group.map((job) => this.enqueue(job))))
      .then(() => {
        this.heldChecks -= group.length;
      })
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

/**
 * Splits claimed jobs, in due order, into release groups: a group starts at its first job's due
 * time and takes the jobs due less than `windowMs` after it, at most `maxSize` of them, never two
 * of one key (monitor). Exported for tests.
 */
export function groupByRelease<T extends { slotAt: number }>(
  jobs: readonly T[],
  windowMs: number,
  keyOf?: (job: T) => string,
  maxSize = Number.POSITIVE_INFINITY,
): T[][] {
  const sorted = [...jobs].sort((a, b) => a.slotAt - b.slotAt);
  const groups: T[][] = [];
  let group: T[] = [];
  let keys = new Set<string>();
  for (const job of sorted) {
    const first = group[0];
    const key = keyOf?.(job);
    const fits =
      first !== undefined &&
      job.slotAt - first.slotAt < windowMs &&
      group.length < maxSize &&
      (key === undefined || !keys.has(key));
    if (!fits && group.length > 0) {
      groups.push(group);
      group = [];
      keys = new Set();
    }
    group.push(job);
    if (key !== undefined) keys.add(key);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
