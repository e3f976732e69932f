import type { AlertEvent } from "../../notify/channels/types.ts";
import type { Db } from "../../storage/db.ts";

/** One alert to route: which organization, which monitor, which kind of event. */
export interface RouteRequest {
  organizationId: string;
  monitorId: string;
  event: AlertEvent;
}

/** The channel subscription an event kind needs: a reminder goes where the down alert went. */
export function subscriptionOf(event: AlertEvent): AlertEvent {
  return event === "reminder" ? "down" : event;
}

/**
 * The channels each request is routed to, in request order: the organization's default channels
 * plus the monitor's own, enabled and subscribed to the event's kind. One query for the batch.
 */
export async function routeChannels(tx: Db, requests: RouteRequest[]): Promise<string[][]> {
  if (requests.length === 0) return [];
  const monitorIds = [...new Set(requests.map((r) => r.monitorId))];
  const orgIds = [...new Set(requests.map((r) => r.organizationId))];
  const channels = await tx
    .selectFrom("notification_channels as c")
    .leftJoin("monitor_channels as mc", "mc.channel_id", "c.id")
    .select(["c.id", "c.organization_id", "c.is_default", "c.events", "mc.monitor_id"])
    .where("c.organization_id", "in", orgIds)
    .where("c.enabled", "=", true)
    .where((eb) => eb.or([eb("c.is_default", "=", true), eb("mc.monitor_id", "in", monitorIds)]))
    .execute();
  return requests.map((r) => {
    const wanted = subscriptionOf(r.event);
    const routed = channels
      .filter((c) => c.organization_id === r.organizationId && c.events.includes(wanted))
      .filter((c) => c.is_default || c.monitor_id === r.monitorId)
      .map((c) => c.id);
    return [...new Set(routed)];
  });
}
