import type { Logger } from "../lib/logger.ts";
import type { Consumer, JobQueue } from "../queue/queue.ts";

/**
 * The notifier role. Until notification channels land (issue 4) its one channel is the log:
 * every incident opened or resolved is written as a `notify` line that operators can ship.
 */
export function startNotifier(queue: JobQueue, log: Logger): Consumer {
  const notifyLog = log.child({ category: "notify" });
  return queue.consume(
    "incident.changed",
    async (change) => {
      notifyLog.info(
        {
          channel: "log",
          incidentId: change.incidentId,
          monitorId: change.monitorId,
          monitor: change.monitorName,
          change: change.change,
          at: new Date(change.at).toISOString(),
          cause: change.cause,
        },
        `incident ${change.change}: ${change.monitorName}`,
      );
    },
    { concurrency: 4 },
  );
}
