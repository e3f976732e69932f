import { sql } from "kysely";

/**
 * The outbox rows a notifier may claim at `now`: pending ones whose time has come, and claimed
 * ones whose lease lapsed (their notifier died mid-send, so they go again). For any outbox table
 * with `status`, `next_attempt_at` and `lease_until` (notifications, subscriber notices).
 */
export function dueOrLapsed(now: Date) {
  return sql<boolean>`(status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and lease_until < ${now})`;
}
