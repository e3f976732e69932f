import { newId } from "../../lib/ids.ts";
import type { AlertEvent, AlertMessage } from "../../notify/channels/types.ts";
import type { Db } from "../../storage/db.ts";
import type { NewEvent } from "../../storage/repos/incidents.repo.ts";
import { silencedMonitors } from "./silences.ts";

/** How long a notification is retried before it becomes a dead letter. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;

/** Which state changes people hear about: going down or degraded, and recovering from either. */
export function alertEventOf(from: string, to: string): AlertEvent | undefined {
  if (to === "down") return "down";
  if (to === "degraded") return "degraded";
  if (to === "up" && (from === "down" || from === "degraded")) return "up";
  return undefined;
}

/**
 * Writes the outbox rows for a batch of state-change events, inside the transaction that commits
 * the events: one notification per (event, routed channel). Routed = the organization's default
 * channels plus the monitor's own, enabled, subscribed to that kind of event; silenced monitors
 * are skipped (src/services/alerts/silences.ts).
 */
export async function queueNotifications(
  tx: Db,
  events: NewEvent[],
  publicUrl: string,
  nowMs: number,
): Promise<number> {
  const alerting = events.flatMap((e) => {
    const kind = alertEventOf(e.from, e.to);
    return kind ? [{ e, kind }] : [];
  });
  if (alerting.length === 0) return 0;
  const monitorIds = [...new Set(alerting.map((a) => a.e.monitorId))];
  const orgIds = [...new Set(alerting.map((a) => a.e.organizationId))];
  const monitors = await tx
    .selectFrom("monitors as m")
    .innerJoin("organizations as o", "o.id", "m.organization_id")
    .select(["m.id", "m.name", "m.type", "m.target", "m.runbook_url", "o.id as org_id", "o.name as org_name"])
    .where("m.id", "in", monitorIds)
    .execute();
  const channels = await tx
    .selectFrom("notification_channels as c")
    .leftJoin("monitor_channels as mc", "mc.channel_id", "c.id")
    .select(["c.id", "c.organization_id", "c.is_default", "c.events", "mc.monitor_id"])
    .where("c.organization_id", "in", orgIds)
    .where("c.enabled", "=", true)
    .where((eb) => eb.or([eb("c.is_default", "=", true), eb("mc.monitor_id", "in", monitorIds)]))
    .execute();
  const incidentIds = [
    ...new Set(alerting.map((a) => a.e.incidentId).filter((id): id is string => id !== null)),
  ];
  const incidents = incidentIds.length
    ? await tx
        .selectFrom("incidents")
        .select(["id", "started_at", "resolved_at", "duration_ms"])
        .where("id", "in", incidentIds)
        .execute()
    : [];
  const recovered = new Set(alerting.filter((a) => a.kind === "up").map((a) => a.e.monitorId));
  const silenced = await silencedMonitors(tx, monitorIds, recovered, nowMs);
  const byMonitor = new Map(monitors.map((m) => [m.id, m]));
  const byIncident = new Map(incidents.map((i) => [i.id, i]));

  const rows = [];
  for (const { e, kind } of alerting) {
    const m = byMonitor.get(e.monitorId);
    // A silenced monitor alerts no one; a silence "until recovery" ends with the recovery, which is sent.
    if (!m || silenced.has(e.monitorId)) continue;
    const routed = new Set(
      channels
        .filter((c) => c.organization_id === e.organizationId && c.events.includes(kind))
        .filter((c) => c.is_default || c.monitor_id === e.monitorId)
        .map((c) => c.id),
    );
    const incident = e.incidentId ? byIncident.get(e.incidentId) : undefined;
    for (const channelId of routed) {
      const id = newId("ntf");
      const message: AlertMessage = {
        notificationId: id,
        event: kind,
        drill: false,
        organization: { id: m.org_id, name: m.org_name },
        monitor: { id: m.id, name: m.name, type: m.type, target: m.target },
        state: e.to,
        previousState: e.from,
        since: e.at.toISOString(),
        incident: incident
          ? {
              id: incident.id,
              startedAt: incident.started_at.toISOString(),
              resolvedAt: incident.resolved_at?.toISOString() ?? null,
              durationMs: incident.duration_ms === null ? null : Number(incident.duration_ms),
            }
          : null,
        cause: e.reason,
        runbookUrl: m.runbook_url,
        acknowledgeUrl: null,
        monitorUrl: `${publicUrl}/monitors/${m.id}`,
      };
      rows.push({
        id,
        organization_id: e.organizationId,
        channel_id: channelId,
        monitor_id: e.monitorId,
        event_id: e.id,
        event: kind,
        message: JSON.stringify(message),
        status: "pending" as const,
        next_attempt_at: new Date(nowMs),
        give_up_at: new Date(nowMs + RETRY_WINDOW_MS),
        created_at: new Date(nowMs),
      });
    }
  }
  if (rows.length > 0)
    await tx
      .insertInto("notifications")
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .execute();
  return rows.length;
}
