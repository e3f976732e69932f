import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { RETRY_WINDOW_MS } from "./outbox.ts";

/** The newest delivery of one channel and how its latest attempt went. */
export interface LastDelivery {
  channelId: string;
  notificationId: string;
  event: string;
  status: string;
  createdAt: Date;
  lastAttempt: { at: Date; outcome: string; statusCode: number | null; error: string | null } | null;
}

/** For the channel list: each channel's newest delivery (channels without one are absent). */
export async function lastDeliveryPerChannel(ctx: Ctx): Promise<LastDelivery[]> {
  const newest = await ctx.db
    .selectFrom("notifications")
    .select(["id", "channel_id", "event", "status", "created_at"])
    .distinctOn("channel_id")
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("channel_id")
    .orderBy("id", "desc")
    .execute();
  const ids = newest.map((n) => n.id);
  const attempts = ids.length
    ? await ctx.db
        .selectFrom("delivery_attempts")
        .selectAll()
        .where("notification_id", "in", ids)
        .orderBy("at", "desc")
        .execute()
    : [];
  return newest.map((n) => {
    const last = attempts.find((a) => a.notification_id === n.id);
    return {
      channelId: n.channel_id,
      notificationId: n.id,
      event: n.event,
      status: n.status,
      createdAt: n.created_at,
      lastAttempt: last
        ? { at: last.at, outcome: last.outcome, statusCode: last.status_code, error: last.error }
        : null,
    };
  });
}

/**
 * Sends several dead letters again at once (one transaction, one audit row each). Ids that are
 * not failed deliveries of this organization are skipped and counted, never an error: a bulk
 * retry of a list that changed meanwhile still retries what it can.
 */
export async function retryNotifications(ctx: Ctx, ids: string[]): Promise<{ retried: string[] }> {
  if (ids.length === 0) return { retried: [] };
  const now = ctx.clock.now();
  const rows = await ctx.db.transaction().execute(async (tx) => {
    const retried = await tx
      .updateTable("notifications")
      .set({
        status: "pending",
        next_attempt_at: new Date(now),
        give_up_at: new Date(now + RETRY_WINDOW_MS),
        lease_until: null,
      })
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "in", ids)
      .where("status", "=", "failed")
      .returning(["id", "channel_id"])
      .execute();
    for (const { id } of retried) {
      await audit(tx, ctx, { action: "notification.retry", target: { type: "notification", id } });
    }
    return retried;
  });
  // After the commit: live clients (the deliveries screen) re-read what moved.
  for (const r of rows) {
    ctx.bus.publish({
      type: "delivery.changed",
      organizationId: ctx.organizationId,
      notificationId: r.id,
      channelId: r.channel_id,
      status: "pending",
    });
  }
  return { retried: rows.map((r) => r.id) };
}
