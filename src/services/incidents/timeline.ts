import { sql } from "kysely";
import type { Db } from "../../storage/db.ts";
import { hourOf } from "../../storage/repos/rollups.repo.ts";
import { type AcknowledgedBy, findAcknowledgement } from "../alerts/acknowledge.ts";
import type { Ctx } from "../context.ts";
import { listAffectedDependents } from "../dependencies/incident-dependents.ts";
import { actorFromRow, type IncidentActor, requireIncident } from "./activity.ts";

/** How far before an incident opened a region's first failing check is looked for. */
const REGION_LOOKBACK_MS = 3_600_000;
/** Most notifications and activity entries one timeline shows (oldest first); `truncated` says so. */
export const TIMELINE_CAP = 2_000;

/** One entry of an incident's timeline; `kind` tells which. Automatic entries have no `by`. */
export type TimelineItem =
  | { kind: "opened"; at: Date; cause: string | null }
  | { kind: "state"; at: Date; from: string; to: string; reason: string | null }
  | { kind: "region_failing"; at: Date; region: string; status: string; error: string | null }
  | { kind: "region_recovered"; at: Date; region: string }
  | { kind: "dependent_affected"; at: Date; monitorId: string; name: string }
  | {
      kind: "notification";
      at: Date;
      notificationId: string;
      event: string;
      channel: { id: string; name: string; kind: string };
      status: "pending" | "sending" | "sent" | "failed";
      attempts: number;
      sentAt: Date | null;
      lastError: string | null;
    }
  | { kind: "acknowledged"; at: Date; by: AcknowledgedBy; note: string | null }
  | { kind: "resolved"; at: Date; automatic: true; reason: string | null }
  | { kind: "note"; at: Date; id: string; by: IncidentActor; body: string }
  | { kind: "workflow_status"; at: Date; by: IncidentActor; from: string; to: string }
  | {
      kind: "assignee";
      at: Date;
      by: IncidentActor;
      from: { id: string; name: string | null } | null;
      to: { id: string; name: string | null } | null;
    }
  | { kind: "postmortem"; at: Date; by: IncidentActor; action: string }
  | { kind: "status_page_incident"; at: Date; statusIncidentId: string; pageId: string; published: boolean };

/** Kinds in the order they sort when two entries share a time (cause before effect). */
const ORDER: TimelineItem["kind"][] = [
  "region_failing",
  "opened",
  "state",
  "resolved",
  "dependent_affected",
  "acknowledged",
  "workflow_status",
  "assignee",
  "note",
  "notification",
  "status_page_incident",
  "region_recovered",
  "postmortem",
];

/**
 * An incident's timeline, oldest first: what happened on its own (the monitor's state changes,
 * each region's first failing and first passing check while stored, the dependents it affected,
 * every notification sent about it with its outcome, the status-page drafts, the recovery that
 * resolved it) merged with what people did (acknowledgement, notes, status, assignee, postmortem).
 */
export async function incidentTimeline(
  ctx: Ctx,
  incidentId: string,
): Promise<{ items: TimelineItem[]; truncated: boolean }> {
  const incident = await requireIncident(ctx.db, ctx, incidentId);
  const org = ctx.organizationId;
  const items: TimelineItem[] = [{ kind: "opened", at: incident.started_at, cause: incident.cause }];
  const events = await ctx.db
    .selectFrom("monitor_events")
    .select(["id", "from_state", "to_state", "reason", "at"])
    .where("organization_id", "=", org)
    .where("incident_id", "=", incidentId)
    .orderBy("id")
    .execute();
  for (const e of events)
    items.push({ kind: "state", at: e.at, from: e.from_state, to: e.to_state, reason: e.reason });
  const end = incident.resolved_at ?? new Date(ctx.clock.now());
  items.push(...(await regionViews(ctx.db, incident.monitor_id, incident.started_at, end)));
  for (const d of await listAffectedDependents(ctx.db, org, incidentId)) {
    items.push({ kind: "dependent_affected", at: d.since, monitorId: d.monitorId, name: d.name });
  }
  const notifications = await incidentNotifications(
    ctx.db,
    org,
    incidentId,
    events.map((e) => e.id),
  );
  items.push(...notifications.slice(0, TIMELINE_CAP));
  const ack = await findAcknowledgement(ctx.db, org, incidentId);
  if (ack) items.push({ kind: "acknowledged", at: ack.at, by: ack.by, note: ack.note });
  const drafts = await ctx.db
    .selectFrom("status_incidents")
    .select(["id", "page_id", "published", "created_at"])
    .where("organization_id", "=", org)
    .where("monitor_incident_id", "=", incidentId)
    .execute();
  for (const d of drafts) {
    items.push({
      kind: "status_page_incident",
      at: d.created_at,
      statusIncidentId: d.id,
      pageId: d.page_id,
      published: d.published,
    });
  }
  if (incident.status === "resolved" && incident.resolved_at) {
    const recovery = events.findLast((e) => e.to_state !== "down");
    items.push({
      kind: "resolved",
      at: incident.resolved_at,
      automatic: true,
      reason: recovery?.reason ?? null,
    });
  }
  const activity = await ctx.db
    .selectFrom("incident_activity")
    .selectAll()
    .where("organization_id", "=", org)
    .where("incident_id", "=", incidentId)
    .orderBy("id")
    .limit(TIMELINE_CAP + 1)
    .execute();
  for (const a of activity.slice(0, TIMELINE_CAP)) {
    const by = actorFromRow(a);
    const data = a.data as Record<string, string | null>;
    if (a.kind === "note") items.push({ kind: "note", at: a.at, id: a.id, by, body: a.body ?? "" });
    else if (a.kind === "status")
      items.push({ kind: "workflow_status", at: a.at, by, from: String(data.from), to: String(data.to) });
    else if (a.kind === "assignee")
      items.push({
        kind: "assignee",
        at: a.at,
        by,
        from: data.from ? { id: data.from, name: data.fromName ?? null } : null,
        to: data.to ? { id: data.to, name: data.toName ?? null } : null,
      });
    else items.push({ kind: "postmortem", at: a.at, by, action: String(data.action) });
  }
  items.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return { items, truncated: activity.length > TIMELINE_CAP || notifications.length > TIMELINE_CAP };
}

/**
 * Each region's view while results are stored: its first failing check since its last passing
 * one before the incident opened (looking back REGION_LOOKBACK_MS), and its first passing check
 * after that, up to the incident's end.
 */
async function regionViews(db: Db, monitorId: string, startedAt: Date, end: Date): Promise<TimelineItem[]> {
  const from = new Date(startedAt.getTime() - REGION_LOOKBACK_MS);
  const regions = await db
    .selectFrom("check_history")
    .select([
      "region",
      sql<Date | null>`max(slot_at) filter (where status = 'up' and slot_at <= ${startedAt})`.as("last_up"),
    ])
    .where("monitor_id", "=", monitorId)
    .where("slot_at", ">=", from)
    .where("slot_at", "<=", end)
    .where("block_hour", ">=", hourOf(from))
    .where("block_hour", "<=", end)
    .groupBy("region")
    .orderBy("region")
    .execute();
  const items: TimelineItem[] = [];
  for (const r of regions) {
    const after = r.last_up ? new Date(r.last_up) : from;
    const failing = await db
      .selectFrom("check_history")
      .select(["slot_at", "status", "error"])
      .where("monitor_id", "=", monitorId)
      .where("region", "=", r.region)
      .where("slot_at", ">", after)
      .where("slot_at", "<=", end)
      .where("block_hour", ">=", hourOf(after))
      .where("block_hour", "<=", end)
      .where("status", "in", ["down", "degraded"])
      .orderBy("slot_at")
      .limit(1)
      .executeTakeFirst();
    if (!failing) continue;
    items.push({
      kind: "region_failing",
      at: failing.slot_at,
      region: r.region,
      status: failing.status,
      error: failing.error,
    });
    const passing = await db
      .selectFrom("check_history")
      .select("slot_at")
      .where("monitor_id", "=", monitorId)
      .where("region", "=", r.region)
      .where("slot_at", ">", failing.slot_at)
      .where("slot_at", "<=", end)
      .where("block_hour", ">=", hourOf(failing.slot_at))
      .where("block_hour", "<=", end)
      .where("status", "=", "up")
      .orderBy("slot_at")
      .limit(1)
      .executeTakeFirst();
    if (passing) items.push({ kind: "region_recovered", at: passing.slot_at, region: r.region });
  }
  return items;
}

/**
 * Notifications about the incident: those caused by its state changes, its reminders,
 * escalations and acknowledgement (their event ids are `rem:<incident>:…`, `esc:<incident>:…`,
 * `ack:<incident>`), drills excluded.
 */
async function incidentNotifications(
  db: Db,
  organizationId: string,
  incidentId: string,
  eventIds: string[],
): Promise<Extract<TimelineItem, { kind: "notification" }>[]> {
  const rows = await db
    .selectFrom("notifications as n")
    .innerJoin("notification_channels as c", "c.id", "n.channel_id")
    .select([
      "n.id",
      "n.event",
      "n.status",
      "n.attempts",
      "n.created_at",
      "n.sent_at",
      "n.last_error",
      "c.id as channel_id",
      "c.name as channel_name",
      "c.kind as channel_kind",
    ])
    .where("n.organization_id", "=", organizationId)
    .where("n.drill", "=", false)
    .where((eb) =>
      eb.or([
        ...(eventIds.length > 0 ? [eb("n.event_id", "in", eventIds)] : []),
        eb("n.event_id", "=", `ack:${incidentId}`),
        eb(sql<boolean>`starts_with(n.event_id, ${`rem:${incidentId}:`})`, "=", true),
        eb(sql<boolean>`starts_with(n.event_id, ${`esc:${incidentId}:`})`, "=", true),
      ]),
    )
    .orderBy("n.created_at")
    .orderBy("n.id")
    .limit(TIMELINE_CAP + 1)
    .execute();
  return rows.map((n) => ({
    kind: "notification",
    at: n.created_at,
    notificationId: n.id,
    event: n.event,
    channel: { id: n.channel_id, name: n.channel_name, kind: n.channel_kind },
    status: n.status,
    attempts: n.attempts,
    sentAt: n.sent_at,
    lastError: n.last_error,
  }));
}
