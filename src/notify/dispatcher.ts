import { monotonic } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { WakeTimer } from "../lib/wake-timer.ts";
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  type FinishedAttempt,
  recordAttempts,
} from "../services/alerts/deliveries.ts";
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
  private readonly recorder: AttemptRecorder;

  constructor(
    private readonly rt: Runtime,
    private readonly options: DispatcherOptions,
  ) {
    this.recorder = new AttemptRecorder(rt);
  }

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
    const finished = { delivery: d, outcome, latencyMs: monotonic() - started, at: this.rt.clock.now() };
    try {
      const result = await this.recorder.record(finished);
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

/**
 * Group commit for finished attempts: while one batch is being recorded, the attempts that finish
 * queue up and go together in the next transaction. A delivery counts as done (its slot free) only
 * once its attempt is recorded, so a claim is never outlived by an unrecorded send.
 */
class AttemptRecorder {
  private waiting: Array<{
    finished: FinishedAttempt;
    settle: (r: Promise<"sent" | "retry" | "failed">) => void;
  }> = [];
  private flushing = false;

  constructor(private readonly rt: Runtime) {}

  record(finished: FinishedAttempt): Promise<"sent" | "retry" | "failed"> {
    return new Promise((resolve) => {
      this.waiting.push({ finished, settle: resolve });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      const recorded = recordAttempts(
        this.rt,
        batch.map((b) => b.finished),
      );
      // Each waiter gets its own result, or the batch's error (the claims lapse and go again).
      for (const [i, b] of batch.entries()) b.settle(recorded.then((results) => results[i]!));
      await recorded.catch(() => undefined);
    }
    this.flushing = false;
  }
}
