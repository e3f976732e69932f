/**
 * A pause that can be cut short: `sleep(ms)` resolves after `ms`, or at once when `wake()` is
 * called meanwhile. Polling loops (the delivery dispatcher, the subscriber notices) sleep on it
 * between rounds and are woken when new work has just been committed.
 *
 * A wake that comes while nobody sleeps is kept: the next `sleep` returns at once. A loop that is
 * busy claiming when work arrives would otherwise sleep a whole poll interval on work waiting.
 */
export class WakeTimer {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Ends the sleep in progress, or the next one if none is in progress. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }
}
