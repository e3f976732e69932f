import type { JobName, JobPayloads } from "./catalog.ts";

/**
 * The small interface the roles talk through. The in-process driver (drivers/memory.ts) serves
 * the embedded default; a Redis (BullMQ) driver is a second implementation of the same contract.
 */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  /** Registers the one handler for a job name; at most `concurrency` run at once. */
  consume<N extends JobName>(
    name: N,
    handler: (payload: JobPayloads[N]) => Promise<void>,
    options: { concurrency: number },
  ): Consumer;
  /** Jobs waiting (not yet started) for a name. */
  depth(name: JobName): number;
  /** Whether anything consumes this job name (the in-process driver: in this process). */
  hasConsumer(name: JobName): boolean;
  close(): Promise<void>;
}

export interface Consumer {
  /** Jobs running now. */
  readonly active: number;
  /** Stops taking jobs and waits for running ones, up to `deadlineMs`. Resolves false on timeout. */
  stop(deadlineMs: number): Promise<boolean>;
}
