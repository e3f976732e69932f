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
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly write: (batch: CheckResult[]) => Promise<unknown>,
    private readonly log: Logger,
    private readonly options: BatcherOptions,
  ) {}

  add(result: CheckResult): void {
    this.buffer.push(result);
    if (this.buffer.length > this.options.maxBuffered) {
      const dropped = this.buffer.splice(0, this.buffer.length - this.options.maxBuffered);
      this.log.error({ dropped: dropped.length }, "result buffer full: oldest results dropped");
    }
    if (this.buffer.length >= this.options.maxBatch && this.failures === 0) void this.flush();
    else this.arm(this.failures === 0 ? this.options.flushMs : backoffMs(this.failures));
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered; resolves when done or when a write failed (kept for retry). */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.options.maxBatch);
      try {
        await this.write(batch);
        this.buffer.splice(0, batch.length);
        if (this.failures > 0) this.log.info({ after: this.failures }, "result writes recovered");
        this.failures = 0;
      } catch (err) {
        this.failures++;
        this.buffer = this.buffer.map(markUnknown);
        this.log.error({ err, buffered: this.buffer.length }, "could not store results; will retry");
        this.arm(backoffMs(this.failures));
        return;
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
