import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";

/**
 * Says this process is alive, every `everyMs`, through the beat main.ts hands in (its row in
 * `processes`: services/regions/presence.ts). For a probe, a region whose probes all stop beating is shown as silent,
 * counted as unknown by its monitors' quorum, and alerted to its organizations' admins. The
 * probe's readiness (/readyz) is its last beat being recent.
 */
export class ProbePresence {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastBeatAt: number | undefined;

  constructor(
    private readonly deps: {
      region: string;
      beat: () => Promise<void>;
      leave: () => Promise<void>;
      clock: Clock;
      log: Logger;
      everyMs: number;
      staleMs: number;
    },
  ) {}

  /** Beats once before returning, so the region is live as soon as the probe starts taking checks. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.beatOnce();
    this.next();
  }

  /** Stops beating and marks this process stopped, so its region does not count it live after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.deps
      .leave()
      .catch((err: unknown) => this.deps.log.warn({ err }, "probe presence not removed"));
  }

  /** This probe's readiness: its region, and whether its last beat is recent enough to count. */
  status(): { region: string; live: boolean; lastBeatAt: string | null } {
    const last = this.lastBeatAt;
    return {
      region: this.deps.region,
      live: last !== undefined && this.deps.clock.now() - last < this.deps.staleMs,
      lastBeatAt: last === undefined ? null : new Date(last).toISOString(),
    };
  }

  private async beatOnce(): Promise<void> {
    try {
      await this.deps.beat();
      this.lastBeatAt = this.deps.clock.now();
    } catch (err) {
      this.deps.log.warn({ err, region: this.deps.region }, "probe presence beat failed; retrying");
    }
  }

  private next(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.beatOnce().finally(() => this.next());
    }, this.deps.everyMs);
    this.timer.unref();
  }
}
