import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { CheckResult } from "../../domain/check-result.ts";

/** How long a change waits before the file is rewritten (changes in between are written together). */
const SAVE_AFTER_MS = 200;

/**
 * Results waiting to be uploaded, bounded: past `max` the oldest are dropped (the newest are the
 * ones that still tell the present; an offline result is history only anyway). With a file, the
 * buffer is written there shortly after every change (at most every 200 ms, and at `close()`), so
 * results survive a restart of the probe while the server is unreachable; the file is read back
 * at start.
 */
export class ResultBuffer {
  private items: CheckResult[] = [];
  private timer: NodeJS.Timeout | undefined;
  dropped = 0;

  constructor(
    private readonly max: number,
    private readonly file: string | undefined,
  ) {
    if (!file) return;
    try {
      const saved = JSON.parse(readFileSync(file, "utf8")) as unknown;
      if (Array.isArray(saved)) this.items = (saved as CheckResult[]).slice(-max);
    } catch {
      // No buffer yet (or a torn one): start empty.
    }
  }

  get size(): number {
    return this.items.length;
  }

  push(result: CheckResult): void {
    this.items.push(result);
    if (this.items.length > this.max) {
      this.dropped += this.items.length - this.max;
      this.items.splice(0, this.items.length - this.max);
    }
    this.changed();
  }

  /** The oldest `n` results, left in place until `remove(n)`. */
  peek(n: number): CheckResult[] {
    return this.items.slice(0, n);
  }

  remove(n: number): void {
    this.items.splice(0, n);
    this.changed();
  }

  /** Writes a pending change now. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  private changed(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, SAVE_AFTER_MS);
    this.timer.unref();
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.items));
    renameSync(tmp, this.file);
  }
}
