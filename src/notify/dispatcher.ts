import { monotonic } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { WakeTimer } from "../lib/wake-timer.ts";
import { type ClaimedDelivery, claimDueDeliveries, recordAttempt } from "../services/alerts/deliveries.ts";
import type { Runtime } from "../services/context.ts";
import type { ChannelAdapter } from "./channels/types.ts";
import type { Outbound } from "./outbound.ts";
import { sendOne } from "./send.ts";

export interface DispatcherOptions {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  outbound: Outbound;
  /** Deliveries sent at once by this process. */
  concurrency: number;
  /** How long a claim holds (NOTIFY_LEASE_SECONDS). */
  leaseMs: number;
  /** How often the outbox is polled when nothing woke the dispatcher. */
  pollMs: number;
  /** Deadline of one delivery attempt. */
  timeoutMs: number;
  log: Logger;
}

/**
 * The notifier's delivery loop: claims due notifications from the outbox, sends each through its
 * channel's adapter and records the attempt. Several processes may run it against one database.
 * A crash between send and record leaves the claim to lapse; the next claim sends again with the
 * same notification id, which receivers can use to drop the duplicate.
 */
export class Dispatcher {
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private readonly timer = new WakeTimer();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly options: DispatcherOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Look at the outbox now (a state change just committed). */
  wake(): void {
    this.timer.wake();
  }

  /** Stops claiming; waits for in-flight deliveries up to `deadlineMs`. */
  async stop(deadlineMs: number): Promise<boolean> {
    this.running = false;
    this.wake();
    await this.loop;
    const all = Promise.all(this.inFlight).then(() => true);
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), deadlineMs).unref());
    return Promise.race([all, timeout]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const room = this.options.concurrency - this.inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      if (room > 0) {
        try {
          claimed = await claimDueDeliveries(this.rt, room, this.options.leaseMs);
        } catch (err) {
          this.options.log.warn({ err }, "could not claim deliveries; retrying");
        }
      }
      for (const d of claimed) {
        const p = this.deliver(d).finally(() => {
          this.inFlight.delete(p);
          this.wake();
        });
        this.inFlight.add(p);
      }
      if (claimed.length === 0 || this.inFlight.size >= this.options.concurrency) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return this.timer.sleep(this.options.pollMs);
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const started = monotonic();
    const outcome = await sendOne(this.rt, this.options, { ...d, secrets: d.sealedSecrets });
    try {
      const result = await recordAttempt(this.rt, d, outcome, monotonic() - started);
      const fields = {
        notificationId: d.id,
        channelId: d.channelId,
        kind: d.kind,
        attempt: d.attempts,
        result,
      };
      if (result === "failed")
        this.options.log.warn(
          { ...fields, error: outcome.ok ? undefined : outcome.error },
          "delivery failed for good",
        );
      else this.options.log.info(fields, "delivery attempt");
    } catch (err) {
      // The claim lapses and the delivery goes again: at worst one duplicate, never a loss.
      this.options.log.error({ err, notificationId: d.id }, "could not record a delivery attempt");
    }
  }
}
