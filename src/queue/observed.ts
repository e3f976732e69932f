import type { JobName, JobPayloads } from "./catalog.ts";
import type { JobQueue } from "./queue.ts";

/** Sees every job enqueued (for metrics), before the queue takes it; must not throw or block. */
export type EnqueueObserver = <N extends JobName>(name: N, payload: JobPayloads[N]) => void;

/** The same queue, with `observe` told of every job enqueued. Nothing else changes. */
export function observeEnqueued(inner: JobQueue, observe: EnqueueObserver): JobQueue {
  return {
    enqueue: (name, payload) => {
      observe(name, payload);
      return inner.enqueue(name, payload);
    },
    consume: (name, handler, options) => inner.consume(name, handler, options),
    depth: (name, partition) => inner.depth(name, partition),
    hasConsumer: (name, partition) => inner.hasConsumer(name, partition),
    close: () => inner.close(),
  };
}
