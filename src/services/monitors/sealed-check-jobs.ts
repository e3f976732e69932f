import type { JobName, JobPayloads } from "../../queue/catalog.ts";
import type { JobQueue } from "../../queue/queue.ts";
import { openSecrets, sealSecrets } from "./secrets.ts";

type CheckRun = JobPayloads["check.run"];

/**
 * The same queue, with the secrets of each check job's spec (what its type's `secrets.map` visits:
 * passwords, tokens, credential headers) sealed with `key` when enqueued and opened when a probe
 * takes the job. For a queue whose payloads leave the process (BullMQ: stored in Redis until a
 * probe runs them), so that Redis never holds them in clear; every process that runs the probe
 * role shares the key (the same `SECRET_KEY`). A value that does not open (another key) is left
 * out, so the check fails to log in, visibly, and `onUnopened` is told.
 */
export function sealCheckJobs(
  inner: JobQueue,
  key: Buffer,
  onUnopened: (monitorId: string) => void = () => {},
): JobQueue {
  const open = (job: CheckRun): CheckRun => {
    let failed = false;
    const spec = openSecrets(key, job.spec, () => {
      failed = true;
    });
    if (failed) onUnopened(job.spec.monitorId);
    return { ...job, spec };
  };
  return {
    enqueue: <N extends JobName>(name: N, payload: JobPayloads[N]) => {
      if (name !== "check.run") return inner.enqueue(name, payload);
      const job = payload as unknown as CheckRun;
      return inner.enqueue(name, { ...job, spec: sealSecrets(key, job.spec) } as unknown as JobPayloads[N]);
    },
    consume: (name, handler, options) => {
      if (name !== "check.run") return inner.consume(name, handler, options);
      return inner.consume(
        name,
        (payload) => handler(open(payload as unknown as CheckRun) as unknown as typeof payload),
        options,
      );
    },
    depth: (name, partition) => inner.depth(name, partition),
    hasConsumer: (name, partition) => inner.hasConsumer(name, partition),
    close: () => inner.close(),
  };
}
