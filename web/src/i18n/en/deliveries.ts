/** Deliveries: the outbox with every attempt, dead letters and retrying them. */
export const deliveries = {
  "deliveries.title": "Deliveries",
  "deliveries.intro":
    "Every alert Upblit wrote for a channel, newest first, with each attempt. Failing receivers are retried with back-off for 24 hours; then the delivery becomes a dead letter you can send again.",
  "deliveries.filter": "Show",
  "deliveries.filter.all": "All deliveries",
  "deliveries.filter.failed": "Dead letters (gave up)",
  "deliveries.filter.retrying": "Failing, being retried",
  "deliveries.filter.pending": "Pending",
  "deliveries.filter.sent": "Sent",
  "deliveries.channel": "Channel",
  "deliveries.anyChannel": "Any channel",
  "deliveries.bulk": "Retry dead letters",
  "deliveries.selected": "{n} selected",
  "deliveries.selectDead": "Select all {n} dead letters shown",
  "deliveries.selectOne": "Select the {event} delivery to {channel}",
  "deliveries.retrySelected": "Retry selected",
  "deliveries.retry": "Retry",
  "deliveries.retried": "{n} sent again: they are pending now.",
  "deliveries.empty":
    "Nothing delivered yet. Alerts appear here as soon as a monitor changes state; a test-send from a channel's page does not go through the outbox.",
  "deliveries.emptyFiltered": "No delivery matches these filters.",
  "deliveries.more": "Load older deliveries",
  "deliveries.monitor": "monitor",
  "deliveries.nextAttempt": "Next attempt at {at}",
  "deliveries.attempts": "{n} attempt(s)",
  "deliveries.latency": "{ms} ms",
} as const;
