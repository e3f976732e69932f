import type { Logger } from "../lib/logger.ts";
import type { Consumer } from "../queue/queue.ts";
import { sweepFollowUps } from "../services/alerts/reminders.ts";
import { applyAuditRetention } from "../services/audit/retention.ts";
import { applyRetention, refreshRollups, vacuumHotTables } from "../services/checks/maintain.ts";
import { recordResults } from "../services/checks/record-results.ts";
import type { Runtime } from "../services/context.ts";
import { ResultBatcher } from "./batcher.ts";

export interface EvaluatorOptions {
  retention: { rawDays: number; rollupDays: number; auditDays: number };
  /** Vacuum the per-check tables every this often (embedded PGlite only: it has no autovacuum). */
  vacuumEveryMs?: number;
  rollupEveryMs?: number;
  retentionEveryMs?: number;
  /** Look for due reminders and escalation steps this often (ALERT_SWEEP_SECONDS; default 30 s). */
  followUpEveryMs?: number;
  /** Told of every batch of results written: how many, and how long the write took (metrics). */
  onStored?: (count: number, seconds: number) => void;
  /**
   * Acknowledge a `check.result` job only once its result is written (roles in separate processes:
   * the job then survives this process being killed, and another evaluator takes it). The embedded
   * default acknowledges when buffered: its queue is in this process and dies with it anyway, and
   * waiting would cap a batch at the consumer's concurrency.
   */
  ackAfterWrite?: boolean;
}

/**
 * The evaluator role: stores results in batches, derives state and incidents (recordResults),
 * sends due reminders and escalations of unacknowledged incidents, keeps rollups fresh and
 * applies retention.
 */
export class Evaluator {
  private readonly batcher: ResultBatcher;
  private consumer: Consumer | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log: Logger;

  constructor(
    private readonly rt: Runtime,
    private readonly options: EvaluatorOptions,
  ) {
    this.log = rt.log.child({ category: "evaluator" });
    const write = async (batch: Parameters<typeof recordResults>[1]) => {
      const started = performance.now();
      const written = await recordResults(rt, batch);
      options.onStored?.(written.stored, (performance.now() - started) / 1000);
      return written;
    };
    this.batcher = new ResultBatcher(write, this.log, {
      // Fewer, larger transactions: per-batch overhead dominates the cost of a result.
      maxBatch: 1_000,
      flushMs: 1_000,
      maxBuffered: 200_000,
    });
  }

  start(): void {
    // Catches up on hours that closed while no evaluator ran.
    refreshRollups(this.rt).catch((err: unknown) => this.log.error({ err }, "rollup catch-up failed"));
    const ackAfterWrite = this.options.ackAfterWrite === true;
    this.consumer = this.rt.queue.consume(
      "check.result",
      async (r) => {
        const written = this.batcher.add(r);
        if (ackAfterWrite) await written;
      },
      // Acknowledging after the write, the jobs held in one batch are the jobs running at once.
      { concurrency: ackAfterWrite ? 512 : 64 },
    );
    this.every(this.options.rollupEveryMs ?? 60_000, () => refreshRollups(this.rt));
    this.every(this.options.followUpEveryMs ?? 30_000, async () => {
      const written = await sweepFollowUps(this.rt);
      if (written > 0) this.log.info({ written }, "reminders and escalations queued");
    });
    const vacuumEveryMs = this.options.vacuumEveryMs;
    if (vacuumEveryMs) this.every(vacuumEveryMs, () => vacuumHotTables(this.rt));
    this.every(this.options.retentionEveryMs ?? 3_600_000, async () => {
      const removed = await applyRetention(this.rt, this.options.retention);
      if (removed > 0) this.log.info({ removed }, "raw results past retention removed");
      const audit = await applyAuditRetention(this.rt, this.options.retention.auditDays);
      if (audit > 0) this.log.info({ removed: audit }, "audit entries past retention removed");
    });
  }

  /** Stops taking results, writes what is buffered and brings rollups up to date. */
  async stop(deadlineMs: number): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.consumer?.stop(deadlineMs);
    await this.batcher.flush();
    await refreshRollups(this.rt).catch((err: unknown) => this.log.warn({ err }, "final rollup failed"));
  }

  /** Exposed for tests and the benchmark: wait until every received result is written. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  get pending(): number {
    return this.batcher.pending;
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    this.timers.push(
      setInterval(() => {
        task().catch((err: unknown) => this.log.error({ err }, "evaluator maintenance failed"));
      }, ms),
    );
  }
}
