import type { Logger } from "../../lib/logger.ts";
import {
  type JobName,
  type JobPayloads,
  type JobPolicies,
  type JobPolicy,
  jobPolicy,
  partitionOf,
} from "../catalog.ts";
import type { Consumer, JobQueue, QueueDepth } from "../queue.ts";
import { backoffBefore, MalformedJobError, parseDequeued, runAttempt } from "../run-job.ts";

type Handler = (payload: unknown) => Promise<void>;

interface Job {
  payload: unknown;
  attemptsMade: number;
}

interface Lane {
  name: JobName;
  policy: JobPolicy;
  waiting: Job[];
  /** Jobs waiting for their retry's backoff to pass. */
  delayed: number;
  handler?: Handler;
  concurrency: number;
  active: number;
  stopped: boolean;
  idle?: () => void;
}

export interface MemoryQueueOptions {
  /**
   * Parse each payload against the catalog when dequeued (default true, as every driver does).
   * The embedded default turns it off: its payloads are never serialized and are typed at compile
   * time, so there is nothing to parse, and parsing was 2 % of the main thread at saturation.
   */
  parse?: boolean;
  /** Policies other than the catalog's (tests shorten timeouts and backoff). */
  policies?: JobPolicies;
}

/**
 * In-process queue: a FIFO per job name and partition. Jobs live only in memory, which is fine
 * here because every job can be re-derived from the database after a restart (schedules, the
 * outbox), and a check whose job is lost with the process is found by the lost-slot sweep.
 */
export class MemoryQueue implements JobQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly parse: boolean;
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly options: MemoryQueueOptions = {},
  ) {
    this.parse = options.parse ?? true;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const lane = this.lane(name, partitionOf(name, payload));
    lane.waiting.push({ payload, attemptsMade: 0 });
    this.pump(lane);
  }

  consume<N extends JobName>(
    name: N,
    handler: (payload: JobPayloads[N]) => Promise<void>,
    options: { concurrency: number; partition?: string },
  ): Consumer {
    const lane = this.lane(name, options.partition);
    if (lane.handler && !lane.stopped) throw new Error(`${name} already has a consumer`);
    lane.handler = this.parse
      ? async (payload) => handler(parseDequeued(name, payload))
      : (payload) => handler(payload as JobPayloads[N]);
    lane.concurrency = options.concurrency;
    lane.stopped = false;
    this.pump(lane);
    return {
      get active() {
        return lane.active;
      },
      stop: (deadlineMs) => this.stopLane(lane, deadlineMs),
    };
  }

  async hasConsumer(name: JobName, partition?: string): Promise<boolean> {
    const lane = this.lanes.get(laneKey(name, partition));
    return lane?.handler !== undefined && !lane.stopped;
  }

  async depth(name: JobName, partition?: string): Promise<QueueDepth> {
    const lane = this.lanes.get(laneKey(name, partition));
    return { waiting: (lane?.waiting.length ?? 0) + (lane?.delayed ?? 0), active: lane?.active ?? 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) lane.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private lane(name: JobName, partition: string | undefined): Lane {
    const key = laneKey(name, partition);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        name,
        policy: jobPolicy(name, this.options.policies),
        waiting: [],
        delayed: 0,
        concurrency: 1,
        active: 0,
        stopped: false,
      };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private pump(lane: Lane): void {
    while (lane.handler && !lane.stopped && lane.active < lane.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift() as Job;
      const handler = lane.handler;
      lane.active++;
      job.attemptsMade++;
      runAttempt(lane.name, lane.policy, () => handler(job.payload))
        .catch((err: unknown) => this.failed(lane, job, err))
        .finally(() => {
          lane.active--;
          if (lane.active === 0) lane.idle?.();
          this.pump(lane);
        });
    }
  }

  /** A failed attempt: tried again after its backoff while attempts remain, else logged and dropped. */
  private failed(lane: Lane, job: Job, err: unknown): void {
    if (job.attemptsMade >= lane.policy.attempts || this.closed || err instanceof MalformedJobError) {
      this.log.error({ err, job: lane.name, attempts: job.attemptsMade }, "job failed");
      return;
    }
    this.log.warn({ err, job: lane.name, attempts: job.attemptsMade }, "job failed; retrying");
    lane.delayed++;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        lane.delayed--;
        lane.waiting.push(job);
        this.pump(lane);
      },
      backoffBefore(lane.policy, job.attemptsMade),
    );
    this.timers.add(timer);
  }

  private stopLane(lane: Lane, deadlineMs: number): Promise<boolean> {
    lane.stopped = true;
    if (lane.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), deadlineMs);
      lane.idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

function laneKey(name: JobName, partition: string | undefined): string {
  return partition === undefined ? name : `${name}.${partition}`;
}
