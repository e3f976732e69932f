/**
 * A pause that can be cut short: `sleep(ms)` resolves after `ms`, or at once when `wake()` is
 * called meanwhile. Polling loops (the delivery dispatcher, the subscriber notices) sleep on it
 * between rounds and are woken when new work has just been committed.
 */
export class WakeTimer {
  private wakeUp: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** Ends the sleep in progress, if any. */
  wake(): void {
    this.wakeUp?.();
  }
}
