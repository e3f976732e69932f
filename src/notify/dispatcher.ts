import { monotonic } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { RateMeter } from "../lib/rate-meter.ts";
import { WakeTimer } from "../lib/wake-timer.ts";
import {
  claimDueDeliveries,
  type FinishedAttempt,
  recordAttempts,
  releaseClaims,
} from "../services/alerts/deliveries.ts";
import type { ClaimedDelivery, DeliveryHandover } from "../services/alerts/handover.ts";
import type { Runtime } from "../services/context.ts";
import type { ChannelAdapter, SendOutcome } from "./channels/types.ts";
import type { Outbound } from "./outbound.ts";
import { OpenedSecrets, sendOne } from "./send.ts";

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
  /** No other notifier can share this outbox: the embedded database, which one process holds. */
  soleNotifier?: boolean;
  log: Logger;
}

/** The most deliveries one claim takes, however fast this notifier sends. */
export const MAX_CLAIM = 1_000;

/**
 * The notifier's delivery loop: claims due notifications from the outbox, sends each through its
 * channel's adapter and records the attempt. Several processes may run it against one database.
 * A crash between send and record leaves the claim to lapse; the next claim sends again with the
 * same notification id, which receivers can use to drop the duplicate.
 *
 * Claims run ahead of the sends: the dispatcher keeps a list of claimed deliveries ready for the
 * next free slot and tops it up, in the background, before it runs dry. A claim takes about a
 * quarter of a lease's worth of deliveries at the pace this process has been sending (at least
 * `concurrency`, at most MAX_CLAIM), so on the embedded database — one connection, shared with
 * the evaluator's transactions — a storm costs a few claims rather than one per slot, and a claim
 * is sent well before its lease ends. A delivery whose lease runs too short to finish an attempt
 * before it is sent is left to lapse (claimed again later, same id); `stop` gives back the claims
 * it did not send.
 */
export class Dispatcher implements DeliveryHandover {
  private running = false;
  /** Sends under way (each holds one of `concurrency` slots). */
  private inFlight = new Set<Promise<void>>();
  /** Attempts sent and waiting to be recorded (group commit); bounded by MAX_CLAIM. */
  private unrecorded = new Set<Promise<void>>();
  /** Claimed, not yet sent; oldest claim first. */
  private ready: ClaimedDelivery[] = [];
  private claiming: Promise<void> | undefined;
  /** The last claim filled up, so the outbox may hold more now. */
  private moreDue = true;
  /** Something was committed to the outbox since the last claim began. */
  private hinted = false;
  private lastClaimAt = Number.NEGATIVE_INFINITY;
  private readonly pace = new RateMeter();
  private readonly timer = new WakeTimer();
  private loop: Promise<void> | undefined;
  private readonly recorder: AttemptRecorder;
  private readonly secrets: OpenedSecrets;

  constructor(
    private readonly rt: Runtime,
    private readonly options: DispatcherOptions,
  ) {
    this.recorder = new AttemptRecorder(rt, Math.max(options.concurrency, RECORD_BATCH));
    this.secrets = new OpenedSecrets(rt.keys.encryption);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /**
   * Room for deliveries claimed by this process's evaluator (handover.ts). Where other notifiers
   * share the outbox, as much as a claim would take now, so they keep their share of a storm; where
   * none can (the embedded database), the most one claim takes. One not sent in time lapses and
   * is claimed again.
   */
  room(): number {
    if (!this.running) return 0;
    const most = this.options.soleNotifier ? MAX_CLAIM : this.claimSize();
    return Math.max(0, most - this.ready.length);
  }

  /** Deliveries claimed for this dispatcher as they were written; sent in turn after the ready ones. */
  take(claimed: ClaimedDelivery[]): void {
    if (!this.running) return; // stopping: they lapse and are claimed again, same id
    this.ready.push(...claimed);
    this.timer.wake();
  }

  /** Look at the outbox now (a state change just committed). */
  wake(): void {
    this.hinted = true;
    this.timer.wake();
  }

  /**
   * Stops claiming and gives back the claims not yet sent; waits for in-flight deliveries up to
   * `deadlineMs`.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    this.running = false;
    this.timer.wake();
    await this.loop;
    const unsent = this.ready;
    this.ready = [];
    if (unsent.length > 0) {
      await releaseClaims(this.rt, unsent).catch((err) =>
        this.options.log.warn({ err, count: unsent.length }, "could not give back unsent claims; they lapse"),
      );
    }
    const all = Promise.all(this.inFlight)
      .then(() => Promise.all(this.unrecorded))
      .then(() => true);
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), deadlineMs).unref());
    return Promise.race([all, timeout]);
  }

  /** Deliveries one claim takes now: a quarter of a lease at the recent pace, within bounds. */
  claimSize(): number {
    const paced = Math.ceil((this.pace.perSecond() * this.options.leaseMs) / 4_000);
    return Math.min(MAX_CLAIM, Math.max(this.options.concurrency, paced));
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.startSends();
      if (this.shouldClaim()) {
        this.claiming = this.claim().finally(() => {
          this.claiming = undefined;
          this.timer.wake();
        });
      }
      await this.timer.sleep(this.options.pollMs);
    }
    await this.claiming;
  }

  /** Top up when the ready list runs low and there may be something to claim. */
  private shouldClaim(): boolean {
    if (this.claiming || this.ready.length >= this.options.concurrency) return false;
    return this.moreDue || this.hinted || monotonic() - this.lastClaimAt >= this.options.pollMs;
  }

  private async claim(): Promise<void> {
    const limit = this.claimSize() - this.ready.length;
    this.hinted = false;
    this.lastClaimAt = monotonic();
    try {
      const claimed = await claimDueDeliveries(this.rt, limit, this.options.leaseMs);
      this.moreDue = claimed.length === limit;
      this.ready.push(...claimed);
    } catch (err) {
      this.moreDue = false;
      this.options.log.warn({ err }, "could not claim deliveries; retrying");
    }
  }

  /** Fills the free slots from the ready list. */
  private startSends(): void {
    // An attempt must be recorded before its lease ends: a claim with less left than an attempt's
    // deadline (and a margin to record it) is not sent; it lapses and is claimed again.
    const latest = this.rt.clock.now() + this.options.timeoutMs + 2_000;
    while (
      this.inFlight.size < this.options.concurrency &&
      this.unrecorded.size < MAX_CLAIM &&
      this.ready.length > 0
    ) {
      const d = this.ready.shift()!;
      if (d.leaseUntil.getTime() < latest) {
        this.options.log.info({ notificationId: d.id }, "claim too old to send; left to lapse");
        continue;
      }
      const p = this.send(d).then((finished) => {
        this.inFlight.delete(p);
        this.pace.tick();
        const r = this.record(finished).finally(() => {
          this.unrecorded.delete(r);
          this.timer.wake();
        });
        this.unrecorded.add(r);
        this.timer.wake();
      });
      this.inFlight.add(p);
    }
  }

  private async send(d: ClaimedDelivery): Promise<FinishedAttempt> {
    const started = monotonic();
    const outcome = await sendOne(this.rt, this.options, {
      ...d,
      secrets: this.secrets.open(d.sealedSecrets),
    }).catch(
      (err: unknown): SendOutcome => ({
        ok: false,
        retryable: true,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    return { delivery: d, outcome, latencyMs: monotonic() - started, at: this.rt.clock.now() };
  }

  /** Records a sent attempt with whatever else finished meanwhile; its slot is already free. */
  private async record(finished: FinishedAttempt): Promise<void> {
    const { delivery: d, outcome } = finished;
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
 * How long a finished attempt waits for others to be recorded with it (unless a batch fills first),
 * and the fewest attempts that fill a batch. A record statement costs about 1.1 ms on PGlite plus
 * 0.09 ms an attempt: with 10 ms and batches of NOTIFY_CONCURRENCY (16), a 10,000-delivery storm of
 * bench:alerts took 557 statements and 1.5 s; with 25 ms and 64, about 160 and 1.0 s (issue 20).
 * The wait delays only the row's move to `sent` (its `sent_at` is the moment of the send).
 */
const RECORD_GATHER_MS = 25;
const RECORD_BATCH = 64;

/**
 * Group commit for finished attempts: they are recorded together, a batch at a time. A batch goes
 * once `batchSize` attempts wait, or RECORD_GATHER_MS after the first of them, and while it is being
 * recorded the next one gathers. The wait matters on the embedded database: a statement runs there
 * without a turn of the event loop, so without it a batch held only the attempt that started it.
 * A send frees its slot at once; its record follows (the claim's lease covers both: a record that
 * came too late moves nothing, and the delivery goes again with the same id).
 */
class AttemptRecorder {
  private waiting: Array<{
    finished: FinishedAttempt;
    settle: (r: Promise<"sent" | "retry" | "failed">) => void;
  }> = [];
  private flushing = false;
  private batchFull: (() => void) | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly batchSize: number,
  ) {}

  record(finished: FinishedAttempt): Promise<"sent" | "retry" | "failed"> {
    return new Promise((resolve) => {
      this.waiting.push({ finished, settle: resolve });
      if (this.waiting.length >= this.batchSize) this.batchFull?.();
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.waiting.length > 0) {
      await this.gather();
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

  /** Resolves once a batch is full, or RECORD_GATHER_MS from now. */
  private gather(): Promise<void> {
    if (this.waiting.length >= this.batchSize) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.batchFull = undefined;
        resolve();
      };
      const timer = setTimeout(done, RECORD_GATHER_MS);
      this.batchFull = done;
    });
  }
}
