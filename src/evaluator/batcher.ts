import type { CheckResult } from "../domain/check-result.ts";
import type { Logger } from "../lib/logger.ts";

export interface BatcherOptions {
  /** Flush when this many results wait… */
  maxBatch: number;
  /** …or this long after the first one arrived. */
  flushMs: number;
  /** Results kept while the database cannot be written; the oldest go first beyond it. */
  maxBuffered: number;
}

/**
 * Collects results and writes them in batches. When a write fails (our database is down), the
 * waiting results become `unknown` — they must not move any state once written late — and are
 * retried with back-off, so nothing stored is lost and nobody is paged for our own outage.
 */
export class ResultBatcher {
  private buffer: CheckResult[] = [];
  /** Per buffered result (same index): who waits for it to be written (`add`'s promise). */
  private waiting: Array<(() => void) | undefined> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  /** How many results at the head of the buffer the write under way holds. */
  private inWrite = 0;

  constructor(
    private readonly write: (batch: CheckResult[]) => Promise<unknown>,
    private readonly log: Logger,
    private readonly options: BatcherOptions,
  ) {}

  /**
   * Buffers a result. The promise resolves once the result is written (or dropped from a full
   * buffer): a queue job acknowledged only then is not lost with this process (Evaluator).
   */
  add(result: CheckResult): Promise<void> {
    const written = new Promise<void>((resolve) => {
      this.buffer.push(result);
      this.waiting.push(resolve);
    });
    const excess = this.buffer.length - this.options.maxBuffered;
    if (excess > 0) {
      // The oldest go, even those a write holds (that write may still store them); the write then
      // removes only what is left of its batch.
      const dropped = this.buffer.splice(0, excess);
      for (const done of this.waiting.splice(0, excess)) done?.();
      this.inWrite = Math.max(0, this.inWrite - dropped.length);
      this.log.error({ dropped: dropped.length }, "result buffer full: oldest results dropped");
    }
    if (this.failures > 0) return written; // a retry is armed; it writes everything
    if (this.buffer.length >= this.options.maxBatch) void this.flush();
    else this.arm(this.options.flushMs);
    return written;
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered; resolves when done or when a write failed (a retry is armed). */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
      if (this.failures > 0) this.arm(backoffMs(this.failures));
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.options.maxBatch);
      this.inWrite = batch.length;
      try {
        await this.write(batch);
        this.buffer.splice(0, this.inWrite);
        for (const done of this.waiting.splice(0, this.inWrite)) done?.();
        if (this.failures > 0) this.log.info({ after: this.failures }, "result writes recovered");
        this.failures = 0;
      } catch (err) {
        this.failures++;
        this.buffer = this.buffer.map(markUnknown);
        this.log.error({ err, buffered: this.buffer.length }, "could not store results; will retry");
        return;
      } finally {
        this.inWrite = 0;
      }
    }
  }

  private arm(delayMs: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }
}

function markUnknown(r: CheckResult): CheckResult {
  return r.status === "unknown" ? r : { ...r, status: "unknown" };
}

function backoffMs(failures: number): number {
  return Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
}
