import type { Logger } from "../../lib/logger.ts";
import type { JobName, JobPayloads } from "../catalog.ts";
import type { Consumer, JobQueue } from "../queue.ts";

type Handler = (payload: unknown) => Promise<void>;

interface Lane {
  waiting: unknown[];
  handler?: Handler;
  concurrency: number;
  active: number;
  stopped: boolean;
  idle?: () => void;
}

/**
 * In-process queue: a FIFO per job name. Jobs live only in memory, which is fine here because
 * every job can be re-derived from the database (schedules, results) after a restart.
 */
export class MemoryQueue implements JobQueue {
  private readonly lanes = new Map<JobName, Lane>();

  constructor(private readonly log: Logger) {}

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const lane = this.lane(name);
    lane.waiting.push(payload);
    this.pump(name, lane);
  }

  consume<N extends JobName>(
    name: N,
    handler: (payload: JobPayloads[N]) => Promise<void>,
    options: { concurrency: number },
  ): Consumer {
    const lane = this.lane(name);
    if (lane.handler) throw new Error(`${name} already has a consumer`);
    // Handed over as enqueued: typed at compile time and never serialized, so there is nothing to
    // parse (it was 2 % of the main thread at saturation). A driver that crosses a process
    // boundary parses with parseJob when it dequeues.
    lane.handler = (payload) => handler(payload as JobPayloads[N]);
    lane.concurrency = options.concurrency;
    lane.stopped = false;
    this.pump(name, lane);
    return {
      get active() {
        return lane.active;
      },
      stop: (deadlineMs) => this.stopLane(lane, deadlineMs),
    };
  }

  hasConsumer(name: JobName): boolean {
    const lane = this.lanes.get(name);
    return lane?.handler !== undefined && !lane.stopped;
  }

  depth(name: JobName): number {
    return this.lanes.get(name)?.waiting.length ?? 0;
  }

  async close(): Promise<void> {
    for (const lane of this.lanes.values()) lane.stopped = true;
  }

  private lane(name: JobName): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { waiting: [], concurrency: 1, active: 0, stopped: false };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private pump(name: JobName, lane: Lane): void {
    while (lane.handler && !lane.stopped && lane.active < lane.concurrency && lane.waiting.length > 0) {
      const payload = lane.waiting.shift();
      lane.active++;
      lane
        .handler(payload)
        .catch((err: unknown) => this.log.error({ err, job: name }, "job failed"))
        .finally(() => {
          lane.active--;
          if (lane.active === 0) lane.idle?.();
          this.pump(name, lane);
        });
    }
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
