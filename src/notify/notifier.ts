import type { Logger } from "../lib/logger.ts";
import type { JobPayloads } from "../queue/catalog.ts";
import type { Consumer, JobQueue } from "../queue/queue.ts";

/**
 * The notifier's log channel: every incident opened or resolved is written as a `notify` line that
 * operators can ship; the change also wakes the delivery dispatcher (src/notify/dispatcher.ts).
 */
export function startNotifier(
  queue: JobQueue,
  log: Logger,
  onChange: () => void = () => {},
  /** Further work per change (status-page drafts); idempotent, as a job may run twice. */
  onIncident: (change: JobPayloads["incident.changed"]) => Promise<unknown> = async () => {},
): Consumer {
  const notifyLog = log.child({ category: "notify" });
  return queue.consume(
    "incident.changed",
    async (change) => {
      // An incident change committed with its outbox rows: deliver them now rather than at the next poll.
      onChange();
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
      await onIncident(change);
    },
    { concurrency: 4 },
  );
}
