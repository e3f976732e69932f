import type { JobName, JobPayloads } from "./catalog.ts";

/**
 * The interface the roles talk through. Two drivers implement it and pass the same contract suite
 * (drivers/contract.test-support.ts): the in-process one (drivers/memory.ts) for the embedded
 * default, and BullMQ on Redis (drivers/bullmq.ts) for roles in separate processes. Everything
 * that may cross a process is asynchronous.
 *
 * A job's partition comes from its payload (catalog.ts `partitionOf`: a check job's region);
 * `consume`, `depth` and `hasConsumer` name the partition they mean.
 */
export interface JobQueue {
  /** Resolves once the job is accepted (for BullMQ: stored in Redis). */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  /**
   * Registers this process's handler for a job name (and partition); at most `concurrency` run at
   * once here. A handler that throws or outlives its catalog timeout fails the attempt; the job is
   * tried again per its catalog policy.
   */
  consume<N extends JobName>(
    name: N,
    handler: (payload: JobPayloads[N]) => Promise<void>,
    options: { concurrency: number; partition?: string },
  ): Consumer;
  /** Jobs waiting (not started, including those waiting for a retry) and running, in every process. */
  depth(name: JobName, partition?: string): Promise<QueueDepth>;
  /** Whether a live consumer takes this job name (and partition), in any process the driver sees. */
  hasConsumer(name: JobName, partition?: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface QueueDepth {
  waiting: number;
  active: number;
}

export interface Consumer {
  /** Jobs running now in this consumer. */
  readonly active: number;
  /** Stops taking jobs and waits for running ones, up to `deadlineMs`. Resolves false on timeout. */
  stop(deadlineMs: number): Promise<boolean>;
}
