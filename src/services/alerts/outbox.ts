import type { AlertEvent, AlertMessage } from "../../domain/alert-message.ts";
import { incidentLink, monitorLink } from "../../domain/deep-links.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { NewEvent } from "../../storage/repos/incidents.repo.ts";
import { acknowledgeUrlFor } from "./ack-links.ts";
import type { ClaimedDelivery } from "./handover.ts";
import { routeChannels } from "./routing.ts";
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

/** The facts about a monitor that every message carries. */
export interface MonitorFacts {
  id: string;
  name: string;
  type: string;
  target: string;
  runbook_url: string | null;
  org_id: string;
  org_name: string;
}

/** Loads the message facts of these monitors (with their organization's name), keyed by id. */
export async function monitorFacts(tx: Db, monitorIds: string[]): Promise<Map<string, MonitorFacts>> {
  if (monitorIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom("monitors as m")
    .innerJoin("organizations as o", "o.id", "m.organization_id")
    .select(["m.id", "m.name", "m.type", "m.target", "m.runbook_url", "o.id as org_id", "o.name as org_name"])
    .where("m.id", "in", monitorIds)
    .execute();
  return new Map(rows.map((m) => [m.id, m]));
}

/** The parts of a message that come from the monitor: who, what, and where to look. */
export function monitorPart(m: MonitorFacts, publicUrl: string) {
  return {
    organization: { id: m.org_id, name: m.org_name },
    monitor: { id: m.id, name: m.name, type: m.type, target: m.target },
    runbookUrl: m.runbook_url,
    monitorUrl: monitorLink(publicUrl, m.id),
  };
}

/** One notification to write: a message for one channel, caused by one event (or drill, reminder…). */
export interface Draft {
  organizationId: string;
  channelId: string;
  monitorId: string | null;
  /** What caused it; unique per channel, so writing the same draft twice sends once. */
  eventId: string;
  message: AlertMessage;
}

/**
 * Writes drafts to the outbox as pending, due now, retried for RETRY_WINDOW_MS; duplicates are
 * ignored. Returns how many were new.
 */
export async function insertNotifications(tx: Db, drafts: Draft[], nowMs: number): Promise<number> {
  return (await writeDrafts(tx, drafts, nowMs)).size;
}

/** Fresh rows claimed as they are written, for this process's notifier (handover.ts). */
export interface ClaimOnWrite {
  /** At most this many, the first drafts first. */
  limit: number;
  leaseUntil: Date;
}

/** Writes drafts (the first `claim.limit` already claimed: attempt 1, leased); the ids written. */
async function writeDrafts(
  tx: Db,
  drafts: Draft[],
  nowMs: number,
  claim?: ClaimOnWrite,
): Promise<Set<string>> {
  if (drafts.length === 0) return new Set();
  const claimed = (i: number) => claim !== undefined && i < claim.limit;
  const rows = await tx
    .insertInto("notifications")
    .values(
      drafts.map((d, i) => ({
        id: d.message.notificationId,
        organization_id: d.organizationId,
        channel_id: d.channelId,
        monitor_id: d.monitorId,
        event_id: d.eventId,
        event: d.message.event,
        drill: d.message.drill,
        message: JSON.stringify(d.message),
        status: claimed(i) ? ("sending" as const) : ("pending" as const),
        attempts: claimed(i) ? 1 : 0,
        lease_until: claimed(i) ? (claim?.leaseUntil ?? null) : null,
        next_attempt_at: new Date(nowMs),
        give_up_at: new Date(nowMs + RETRY_WINDOW_MS),
        created_at: new Date(nowMs),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The claimed drafts as deliveries, with their channels' settings as a claim reads them. */
async function claimedDeliveries(
  tx: Db,
  drafts: Draft[],
  nowMs: number,
  leaseUntil: Date,
): Promise<ClaimedDelivery[]> {
  if (drafts.length === 0) return [];
  const channels = await tx
    .selectFrom("notification_channels")
    .select(["id", "kind", "config", "secrets", "template"])
    .where("id", "in", [...new Set(drafts.map((d) => d.channelId))])
    .execute();
  const byId = new Map(channels.map((c) => [c.id, c]));
  return drafts.flatMap((d) => {
    const c = byId.get(d.channelId);
    if (!c) return [];
    return [
      {
        id: d.message.notificationId,
        organizationId: d.organizationId,
        channelId: d.channelId,
        kind: c.kind,
        config: c.config,
        sealedSecrets: c.secrets,
        template: c.template,
        message: d.message,
        attempts: 1,
        giveUpAt: new Date(nowMs + RETRY_WINDOW_MS),
        leaseUntil,
      },
    ];
  });
}

/**
 * Writes the outbox rows for a batch of state-change events, inside the transaction that commits
 * the events: one notification per (event, routed channel) (routing.ts). Silenced monitors are
 * skipped (silences.ts). Every down alert of an incident carries a signed acknowledge link for its
 * own notification and channel (ack-links.ts), when `linksKey` (keys.links) is given. With
 * `claim`, the first rows are claimed for this process's notifier as they are written, and returned
 * for it once the transaction commits (handover.ts).
 */
export async function queueNotifications(
  tx: Db,
  events: NewEvent[],
  publicUrl: string,
  nowMs: number,
  linksKey?: Buffer,
  claim?: ClaimOnWrite,
): Promise<ClaimedDelivery[]> {
  const alerting = events.flatMap((e) => {
    const kind = alertEventOf(e.from, e.to);
    return kind ? [{ e, kind }] : [];
  });
  if (alerting.length === 0) return [];
  const monitorIds = [...new Set(alerting.map((a) => a.e.monitorId))];
  const monitors = await monitorFacts(tx, monitorIds);
  const routes = await routeChannels(
    tx,
    alerting.map(({ e, kind }) => ({
      organizationId: e.organizationId,
      monitorId: e.monitorId,
      event: kind,
    })),
  );
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
  const byIncident = new Map(incidents.map((i) => [i.id, i]));

  const drafts: Draft[] = [];
  alerting.forEach(({ e, kind }, i) => {
    const m = monitors.get(e.monitorId);
    // A silenced monitor alerts no one; a silence "until recovery" ends with the recovery, which is sent.
    if (!m || silenced.has(e.monitorId)) return;
    const incident = e.incidentId ? byIncident.get(e.incidentId) : undefined;
    for (const channelId of routes[i]!) {
      const notificationId = newId("ntf");
      const message: AlertMessage = {
        notificationId,
        event: kind,
        drill: false,
        ...monitorPart(m, publicUrl),
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
        incidentUrl: incident ? incidentLink(publicUrl, incident.id) : null,
        cause: e.reason,
        acknowledgeUrl:
          kind === "down" && incident && linksKey
            ? acknowledgeUrlFor(
                publicUrl,
                linksKey,
                { incidentId: incident.id, organizationId: e.organizationId, notificationId, channelId },
                nowMs,
              )
            : null,
      };
      drafts.push({
        organizationId: e.organizationId,
        channelId,
        monitorId: e.monitorId,
        eventId: e.id,
        message,
      });
    }
  });
  const written = await writeDrafts(tx, drafts, nowMs, claim);
  if (!claim) return [];
  const mine = drafts.slice(0, claim.limit).filter((d) => written.has(d.message.notificationId));
  return claimedDeliveries(tx, mine, nowMs, claim.leaseUntil);
}
