import { sql } from "kysely";
import type { AlertEvent } from "../../domain/alert-message.ts";
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
 * Whether a rule with these tags covers a monitor with those: any tag in common, or every
 * monitor when the rule names no tag. Tags compare exactly (case-sensitive).
 */
export function ruleCoversTags(ruleTags: readonly string[], monitorTags: readonly string[]): boolean {
  return ruleTags.length === 0 || ruleTags.some((t) => monitorTags.includes(t));
}

/**
 * The channels each request is routed to, in request order, deduplicated: the organization's
 * default channels, the monitor's own, and the channels of every enabled alert rule whose tags
 * cover the monitor and whose events include the event's kind. Every channel must be enabled and
 * subscribed to the kind itself (its own `events` filter everything it hears). Two queries per batch.
 */
export async function routeChannels(tx: Db, requests: RouteRequest[]): Promise<string[][]> {
  if (requests.length === 0) return [];
  const monitorIds = [...new Set(requests.map((r) => r.monitorId))];
  const orgIds = [...new Set(requests.map((r) => r.organizationId))];
  const ruleRoutes = await tx
    .selectFrom("alert_rules as r")
    .innerJoin("alert_rule_channels as rc", (join) =>
      join.onRef("rc.rule_id", "=", "r.id").on("rc.step", "=", 0),
    )
    .innerJoin("monitors as m", (join) =>
      join
        .onRef("m.organization_id", "=", "r.organization_id")
        .on(sql<boolean>`(cardinality(r.tags) = 0 OR m.tags && r.tags)`),
    )
    .select(["m.id as monitor_id", "rc.channel_id", "r.events"])
    .where("r.organization_id", "in", orgIds)
    .where("r.enabled", "=", true)
    .where("m.id", "in", monitorIds)
    .execute();
  const ruleChannelIds = [...new Set(ruleRoutes.map((r) => r.channel_id))];
  const channels = await tx
    .selectFrom("notification_channels as c")
    .leftJoin("monitor_channels as mc", "mc.channel_id", "c.id")
    .select(["c.id", "c.organization_id", "c.is_default", "c.events", "mc.monitor_id"])
    .where("c.organization_id", "in", orgIds)
    .where("c.enabled", "=", true)
    .where((eb) =>
      eb.or([
        eb("c.is_default", "=", true),
        eb("mc.monitor_id", "in", monitorIds),
        ...(ruleChannelIds.length > 0 ? [eb("c.id", "in", ruleChannelIds)] : []),
      ]),
    )
    .execute();
  return requests.map((r) => {
    const wanted = subscriptionOf(r.event);
    const viaRules = new Set(
      ruleRoutes
        .filter((route) => route.monitor_id === r.monitorId && route.events.includes(wanted))
        .map((route) => route.channel_id),
    );
    const routed = channels
      .filter((c) => c.organization_id === r.organizationId && c.events.includes(wanted))
      .filter((c) => c.is_default || c.monitor_id === r.monitorId || viaRules.has(c.id))
      .map((c) => c.id);
    return [...new Set(routed)];
  });
}
