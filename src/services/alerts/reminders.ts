import { sql } from "kysely";
import type { AlertMessage } from "../../domain/alert-message.ts";
import { incidentLink } from "../../domain/deep-links.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { Runtime } from "../context.ts";
import { acknowledgeUrlFor } from "./ack-links.ts";
import { type Draft, insertNotifications, type MonitorFacts, monitorFacts, monitorPart } from "./outbox.ts";
import { ruleCoversTags } from "./routing.ts";
import { silencedMonitors } from "./silences.ts";

/** Open incidents looked at per transaction. */
const PAGE_SIZE = 200;
/** Event ids checked per query (bound parameters). */
const CHECK_CHUNK = 1_000;

/** An open, unacknowledged incident the sweep looks at. */
export interface OpenIncident {
  id: string;
  organization_id: string;
  monitor_id: string;
  cause: string | null;
  started_at: Date;
  tags: string[];
}

/** A rule with reminders or escalation, its usable channels per step (enabled, subscribed to down). */
export interface FollowUpRule {
  id: string;
  organizationId: string;
  tags: string[];
  reminderMinutes: number | null;
  escalationMinutes: number[];
  channels: Map<number, string[]>;
}

/** One reminder or escalation step that is due for one incident. */
export interface FollowUp {
  /** Deterministic: `rem:<incident>:<rule>:<n>` or `esc:<incident>:<rule>:<step>`. */
  eventId: string;
  incident: OpenIncident;
  channelIds: string[];
  reminder?: { count: number; downForMs: number };
  escalation?: { level: number; afterMinutes: number };
}

/**
 * The evaluator's periodic sweep: finds open, unacknowledged incidents whose rules have a reminder
 * or an escalation step due, and writes their notifications to the outbox. Event ids are
 * deterministic and unique per channel, so a sweep that crashed half-way, or two evaluators
 * sweeping at once, never send one twice. Returns how many notifications it wrote.
 */
export async function sweepFollowUps(rt: Runtime, pageSize = PAGE_SIZE): Promise<number> {
  let after = "";
  let written = 0;
  for (;;) {
    const page = await rt.db.transaction().execute((tx) => sweepPage(tx, rt, after, pageSize));
    written += page.written;
    if (page.lastId === undefined) return written;
    after = page.lastId;
  }
}

async function sweepPage(
  tx: Db,
  rt: Runtime,
  after: string,
  limit: number,
): Promise<{ written: number; lastId: string | undefined }> {
  const nowMs = rt.clock.now();
  const locked = await lockOpenIncidents(tx, after, limit);
  const lastId = locked.length === limit ? locked.at(-1)?.id : undefined;
  if (locked.length === 0) return { written: 0, lastId };
  // Read after taking the locks: an acknowledgement that committed meanwhile is seen here.
  const acked = new Set(
    (
      await tx
        .selectFrom("incident_acknowledgements")
        .select("incident_id")
        .where(
          "incident_id",
          "in",
          locked.map((i) => i.id),
        )
        .execute()
    ).map((a) => a.incident_id),
  );
  const silenced = await silencedMonitors(
    tx,
    [...new Set(locked.map((i) => i.monitor_id))],
    new Set(),
    nowMs,
  );
  const incidents = locked.filter((i) => !acked.has(i.id) && !silenced.has(i.monitor_id));
  const rules = await followUpRules(tx, [...new Set(incidents.map((i) => i.organization_id))]);
  const due = await notYetSent(
    tx,
    incidents.flatMap((i) => dueFollowUps(i, rules, nowMs)),
  );
  if (due.length === 0) return { written: 0, lastId };
  const facts = await monitorFacts(tx, [...new Set(due.map((d) => d.incident.monitor_id))]);
  const openedFrom = await openingStates(tx, [...new Set(due.map((d) => d.incident.id))]);
  const drafts = due.flatMap((d) => {
    const m = facts.get(d.incident.monitor_id);
    return m ? draftsOf(d, m, openedFrom.get(d.incident.id), rt, nowMs) : [];
  });
  return { written: await insertNotifications(tx, drafts, nowMs), lastId };
}

/**
 * Open incidents without an acknowledgement, of organizations that have a rule with reminders or
 * escalation, a page after `after` in id order. Locked (skipping those another transaction
 * holds: an acknowledgement in progress, or another sweep) for the rest of the transaction.
 */
async function lockOpenIncidents(tx: Db, after: string, limit: number): Promise<OpenIncident[]> {
  return tx
    .selectFrom("incidents as i")
    .innerJoin("monitors as m", "m.id", "i.monitor_id")
    .select(["i.id", "i.organization_id", "i.monitor_id", "i.cause", "i.started_at", "m.tags"])
    .where("i.status", "=", "open")
    .where("i.id", ">", after)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("incident_acknowledgements as a")
            .select("a.incident_id")
            .whereRef("a.incident_id", "=", "i.id"),
        ),
      ),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("alert_rules as r")
          .select("r.id")
          .whereRef("r.organization_id", "=", "i.organization_id")
          .where("r.enabled", "=", true)
          .where(sql<boolean>`(r.reminder_minutes IS NOT NULL OR cardinality(r.escalation_minutes) > 0)`),
      ),
    )
    .orderBy("i.id")
    .limit(limit)
    .forUpdate("i")
    .skipLocked()
    .execute();
}

/** The enabled rules of these organizations that remind or escalate, with their usable channels. */
async function followUpRules(tx: Db, orgIds: string[]): Promise<FollowUpRule[]> {
  if (orgIds.length === 0) return [];
  const rows = await tx
    .selectFrom("alert_rules as r")
    .leftJoin("alert_rule_channels as rc", "rc.rule_id", "r.id")
    .leftJoin("notification_channels as c", (join) =>
      join
        .onRef("c.id", "=", "rc.channel_id")
        .on("c.enabled", "=", true)
        .on(sql<boolean>`'down' = ANY(c.events)`),
    )
    .select([
      "r.id",
      "r.organization_id",
      "r.tags",
      "r.reminder_minutes",
      "r.escalation_minutes",
      "rc.step",
      "c.id as channel_id",
    ])
    .where("r.organization_id", "in", orgIds)
    .where("r.enabled", "=", true)
    .where(sql<boolean>`'down' = ANY(r.events)`)
    .where(sql<boolean>`(r.reminder_minutes IS NOT NULL OR cardinality(r.escalation_minutes) > 0)`)
    .orderBy("r.id")
    .orderBy("c.id")
    .execute();
  const rules = new Map<string, FollowUpRule>();
  for (const row of rows) {
    let rule = rules.get(row.id);
    if (!rule) {
      rule = {
        id: row.id,
        organizationId: row.organization_id,
        tags: row.tags,
        reminderMinutes: row.reminder_minutes,
        escalationMinutes: row.escalation_minutes,
        channels: new Map(),
      };
      rules.set(row.id, rule);
    }
    if (row.step !== null && row.channel_id !== null) {
      rule.channels.set(row.step, [...(rule.channels.get(row.step) ?? []), row.channel_id]);
    }
  }
  return [...rules.values()];
}

/**
 * What is due for one incident at `nowMs`, by each rule covering its monitor: the latest reminder
 * (every `reminderMinutes` since it opened; missed ones are not sent in a burst) and every
 * escalation step whose time has come. Steps without a usable channel are skipped.
 */
export function dueFollowUps(incident: OpenIncident, rules: FollowUpRule[], nowMs: number): FollowUp[] {
  const openFor = nowMs - incident.started_at.getTime();
  const out: FollowUp[] = [];
  for (const rule of rules) {
    if (rule.organizationId !== incident.organization_id || !ruleCoversTags(rule.tags, incident.tags))
      continue;
    const reminderChannels = rule.channels.get(0) ?? [];
    if (rule.reminderMinutes !== null && reminderChannels.length > 0) {
      const count = Math.floor(openFor / (rule.reminderMinutes * 60_000));
      if (count >= 1) {
        out.push({
          eventId: `rem:${incident.id}:${rule.id}:${count}`,
          incident,
          channelIds: reminderChannels,
          reminder: { count, downForMs: openFor },
        });
      }
    }
    rule.escalationMinutes.forEach((afterMinutes, i) => {
      const level = i + 1;
      const channelIds = rule.channels.get(level) ?? [];
      if (openFor < afterMinutes * 60_000 || channelIds.length === 0) return;
      out.push({
        eventId: `esc:${incident.id}:${rule.id}:${level}`,
        incident,
        channelIds,
        escalation: { level, afterMinutes },
      });
    });
  }
  return out;
}

/** Drops follow-ups already written (by an earlier sweep, or another evaluator). */
async function notYetSent(tx: Db, due: FollowUp[]): Promise<FollowUp[]> {
  const sent = new Set<string>();
  for (let i = 0; i < due.length; i += CHECK_CHUNK) {
    const ids = due.slice(i, i + CHECK_CHUNK).map((d) => d.eventId);
    const rows = await tx
      .selectFrom("notifications")
      .select("event_id")
      .where("event_id", "in", ids)
      .execute();
    for (const r of rows) if (r.event_id) sent.add(r.event_id);
  }
  return due.filter((d) => !sent.has(d.eventId));
}

/** The state each incident's monitor was in before it went down, from the opening event. */
async function openingStates(tx: Db, incidentIds: string[]): Promise<Map<string, string>> {
  const rows = await tx
    .selectFrom("monitor_events")
    .select(["incident_id", "from_state"])
    .where("incident_id", "in", incidentIds)
    .where("to_state", "=", "down")
    .execute();
  return new Map(rows.flatMap((r) => (r.incident_id ? [[r.incident_id, r.from_state] as const] : [])));
}

function draftsOf(
  d: FollowUp,
  m: MonitorFacts,
  openedFrom: string | undefined,
  rt: Runtime,
  nowMs: number,
): Draft[] {
  const i = d.incident;
  return d.channelIds.map((channelId) => {
    const notificationId = newId("ntf");
    const message: AlertMessage = {
      notificationId,
      event: d.reminder ? "reminder" : "down",
      drill: false,
      ...monitorPart(m, rt.auth.publicUrl),
      state: "down",
      // A reminder is no change of state; an escalation repeats the down alert as it was.
      previousState: d.reminder ? "down" : (openedFrom ?? "down"),
      since: i.started_at.toISOString(),
      incident: { id: i.id, startedAt: i.started_at.toISOString(), resolvedAt: null, durationMs: null },
      incidentUrl: incidentLink(rt.auth.publicUrl, i.id),
      cause: i.cause,
      acknowledgeUrl: acknowledgeUrlFor(
        rt.auth.publicUrl,
        rt.keys.links,
        { incidentId: i.id, organizationId: i.organization_id, notificationId, channelId },
        nowMs,
      ),
      ...(d.reminder ? { reminder: d.reminder } : {}),
      ...(d.escalation ? { escalation: d.escalation } : {}),
    };
    return {
      organizationId: i.organization_id,
      channelId,
      monitorId: i.monitor_id,
      eventId: d.eventId,
      message,
    };
  });
}
