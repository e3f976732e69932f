import type { Logger } from "../lib/logger.ts";

/**
 * Runs the heartbeat deadline sweep (services/heartbeats/sweep.ts, handed in by main.ts) every
 * `everyMs`, one pass at a time. Several schedulers may run it: each deadline is claimed in the
 * database, so it is judged once. main.ts runs the region watch (regions without a live probe)
 * on the same loop, with its own message.
 */
export class HeartbeatSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly sweep: () => Promise<number>,
    private readonly log: Logger,
    private readonly everyMs = 5_000,
    private readonly message = "heartbeat deadlines judged",
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
          if (judged > 0) this.log.info({ judged }, this.message);
        })
        .catch((err: unknown) => this.log.error({ err }, `${this.message}: sweep failed; retrying`))
        .finally(() => this.next(this.everyMs));
    }, delayMs);
  }
}
