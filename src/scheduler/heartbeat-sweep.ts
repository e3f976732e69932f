import type { Logger } from "../lib/logger.ts";

/**
 * Runs a sweep handed in by main.ts every `everyMs`, one pass at a time: the heartbeat deadline
 * sweep (services/heartbeats/sweep.ts) and the lost-slot sweep (services/checks/lost.ts). Several
 * schedulers may run them: each deadline or claim is taken in the database, so it is judged once.
 */
export class HeartbeatSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly sweep: () => Promise<number>,
    private readonly log: Logger,
    private readonly everyMs = 5_000,
    /** What the log line says when a pass judged something. */
    private readonly what = "heartbeat deadlines judged",
  ) {}

  start(delayMs = 0): void {
    this.stopped = false;
    this.next(delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then((judged) => {
          if (judged > 0) this.log.info({ judged }, this.what);
        })
        .catch((err: unknown) => this.log.error({ err }, `sweep failed (${this.what}); retrying`))
        .finally(() => this.next(this.everyMs));
    }, delayMs);
  }
}
