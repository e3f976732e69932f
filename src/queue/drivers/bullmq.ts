import { randomUUID } from "node:crypto";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "../../lib/logger.ts";
import { type JobName, type JobPayloads, type JobPolicies, jobPolicy, partitionOf } from "../catalog.ts";
import type { Consumer, JobQueue, QueueDepth } from "../queue.ts";
import { parseDequeued, runAttempt } from "../run-job.ts";

export interface BullmqQueueOptions {
  url: string;
  log: Logger;
  /** Key prefix in Redis (default `upblit`); tests use one per run. */
  prefix?: string;
  policies?: JobPolicies;
  /**
   * How long a `check.result` this process queued is kept to be queued again should Redis come
   * back empty (default 120 s; at most REPLAY_MAX_JOBS are kept, the oldest go first).
   */
  replayWindowMs?: number;
}

/** Job names queued again after Redis lost its data: their consumer drops a repeat (one result per slot). */
const REPLAYED: ReadonlySet<JobName> = new Set<JobName>(["check.result"]);
const REPLAY_MAX_JOBS = 50_000;

/** How long a consumer counts as live without renewing its registration (a killed process). */
const CONSUMER_TTL_MS = 15_000;

/**
 * Jobs on Redis through BullMQ: one BullMQ queue per job name and partition (`check.run.eu-west`),
 * so each probe blocks on its own region's queue only. Payloads are parsed against the catalog
 * when dequeued (a malformed one fails at once, never retried); attempts and backoff come from the
 * catalog. A check job's worker never re-runs a stalled job (its probe died with it): the lost-slot
 * sweep records that slot `unknown` instead (services/checks/lost.ts).
 *
 * Live consumers register in a sorted set per queue (member → expiry), renewed while they run and
 * removed when they stop, so `hasConsumer` answers for every process without CLIENT LIST.
 */
export class BullmqQueue implements JobQueue {
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<Worker>();
  private readonly prefix: string;
  /** Recently queued jobs that must survive Redis losing its data (REPLAYED), oldest first. */
  private recent: Array<{ at: number; name: JobName; payload: unknown }> = [];
  /** The Redis server's `run_id` when last connected: a new one is a restarted (empty) server. */
  private redisRunId: string | undefined;

  constructor(private readonly options: BullmqQueueOptions) {
    // BullMQ needs `maxRetriesPerRequest: null`: its blocking commands wait as long as they must.
    this.connection = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on("error", (err) => options.log.warn({ err }, "redis connection error"));
    this.connection.on("ready", () => {
      this.replayIfRestarted().catch((err: unknown) =>
        options.log.warn({ err }, "could not queue recent results again after Redis restarted"),
      );
    });
    this.prefix = options.prefix ?? "upblit";
  }

  /**
   * A Redis without persistence comes back from a restart empty: the results this process queued
   * and no evaluator took yet are gone, though their checks ran. Queued again (the evaluator stores
   * a slot once and drops the repeats), they are not recorded `unknown` by the lost-slot sweep.
   */
  private async replayIfRestarted(): Promise<void> {
    const info = await this.connection.info("server");
    const runId = /run_id:(\w+)/.exec(info)?.[1];
    const previous = this.redisRunId;
    this.redisRunId = runId;
    if (previous === undefined || runId === undefined || runId === previous) return;
    this.pruneRecent(Date.now());
    const jobs = this.recent.splice(0);
    this.options.log.warn({ jobs: jobs.length }, "Redis restarted: queueing recent results again");
    for (const job of jobs) await this.enqueue(job.name, job.payload as never);
  }

  private pruneRecent(now: number): void {
    const since = now - (this.options.replayWindowMs ?? 120_000);
    let drop = 0;
    while (drop < this.recent.length && this.recent[drop]!.at < since) drop++;
    drop = Math.max(drop, this.recent.length - REPLAY_MAX_JOBS);
    if (drop > 0) this.recent.splice(0, drop);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    if (REPLAYED.has(name)) {
      const now = Date.now();
      this.recent.push({ at: now, name, payload });
      if (
        this.recent.length % 1_000 === 0 ||
        this.recent[0]!.at < now - 2 * (this.options.replayWindowMs ?? 120_000)
      ) {
        this.pruneRecent(now);
      }
    }
    const policy = jobPolicy(name, this.options.policies);
    await this.queue(queueName(name, partitionOf(name, payload))).add(name, payload, {
      attempts: policy.attempts,
      backoff: policy.backoffMs > 0 ? { type: "exponential", delay: policy.backoffMs } : undefined,
      removeOnComplete: true,
      removeOnFail: { count: 1_000 },
    });
  }

  consume<N extends JobName>(
    name: N,
    handler: (payload: JobPayloads[N]) => Promise<void>,
    options: { concurrency: number; partition?: string },
  ): Consumer {
    const policy = jobPolicy(name, this.options.policies);
    const qName = queueName(name, options.partition);
    const log = this.options.log;
    let active = 0;
    const worker = new Worker(
      qName,
      async (job: Job) => {
        let payload: JobPayloads[N];
        try {
          payload = parseDequeued(name, job.data);
        } catch (err) {
          throw new UnrecoverableError((err as Error).message);
        }
        active++;
        try {
          await runAttempt(name, policy, () => handler(payload));
        } finally {
          active--;
        }
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: options.concurrency,
        // A check's probe that died is not waited for twice: the slot is recorded unknown.
        maxStalledCount: name === "check.run" ? 0 : 1,
      },
    );
    worker.on("failed", (job, err) => {
      const attempts = job?.attemptsMade ?? 0;
      if (job && attempts < (job.opts.attempts ?? 1) && !(err instanceof UnrecoverableError)) {
        log.warn({ err, job: name, attempts }, "job failed; retrying");
      } else {
        log.error({ err, job: name, attempts }, "job failed");
      }
    });
    worker.on("error", (err) => log.warn({ err, job: name }, "queue worker error"));
    this.workers.add(worker);

    const member = randomUUID();
    const key = this.consumersKey(qName);
    const register = () =>
      this.connection.zadd(key, Date.now() + CONSUMER_TTL_MS, member).catch((err: unknown) => {
        log.warn({ err }, "could not register a queue consumer");
        return 0;
      });
    void register();
    const renew = setInterval(register, CONSUMER_TTL_MS / 3);
    renew.unref();

    let stopping: Promise<void> | undefined;
    return {
      get active() {
        return active;
      },
      stop: async (deadlineMs) => {
        clearInterval(renew);
        await this.connection.zrem(key, member).catch(() => 0);
        stopping ??= worker.close().finally(() => this.workers.delete(worker));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), deadlineMs);
        });
        const done = await Promise.race([stopping.then(() => true as const), timedOut]);
        clearTimeout(timer);
        return done;
      },
    };
  }

  async depth(name: JobName, partition?: string): Promise<QueueDepth> {
    const counts = await this.queue(queueName(name, partition)).getJobCounts(
      "wait",
      "delayed",
      "prioritized",
      "waiting-children",
      "active",
    );
    const { active = 0, ...rest } = counts;
    return { waiting: Object.values(rest).reduce((a, b) => a + b, 0), active };
  }

  async hasConsumer(name: JobName, partition?: string): Promise<boolean> {
    const live = await this.connection.zcount(
      this.consumersKey(queueName(name, partition)),
      Date.now(),
      "+inf",
    );
    return live > 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close(true)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on("error", (err) => this.options.log.warn({ err, queue: name }, "queue error"));
      this.queues.set(name, q);
    }
    return q;
  }

  private consumersKey(qName: string): string {
    return `${this.prefix}:consumers:${qName}`;
  }
}

/** BullMQ forbids `:` in queue names (its key separator); regions are `[a-z0-9-]`. */
function queueName(name: JobName, partition: string | undefined): string {
  return partition === undefined ? name : `${name}.${partition}`;
}
