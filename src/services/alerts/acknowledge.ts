import { sql } from "kysely";
import type { AlertMessage } from "../../domain/alert-message.ts";
import { incidentLink } from "../../domain/deep-links.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { whoIsActing } from "../incidents/activity.ts";
import { type Draft, insertNotifications, monitorFacts, monitorPart } from "./outbox.ts";

export const ACK_NOTE_MAX = 500;

/** Who acknowledged: a person, an API key, or someone holding the link sent to a channel. */
export interface AcknowledgedBy {
  type: "user" | "apiKey" | "link";
  /** The person, the API key or the channel. */
  id: string | null;
  /** In words: the person's name or email, `API key <name>`, `link from channel <name>`. */
  name: string;
}

export interface Acknowledgement {
  incidentId: string;
  at: Date;
  by: AcknowledgedBy;
  note: string | null;
}

/** What a link's page shows before anyone presses the button. */
export interface IncidentGlance {
  incidentId: string;
  monitorName: string;
  status: "open" | "resolved";
  startedAt: Date;
  resolvedAt: Date | null;
  acknowledgement: Acknowledgement | null;
}

const BY_TYPE = { user: "user", api_key: "apiKey", link: "link" } as const;

type AckRow = {
  incident_id: string;
  at: Date;
  by_type: keyof typeof BY_TYPE;
  by_id: string | null;
  by_label: string;
  note: string | null;
};

const viewOf = (r: AckRow): Acknowledgement => ({
  incidentId: r.incident_id,
  at: r.at,
  by: { type: BY_TYPE[r.by_type], id: r.by_id, name: r.by_label },
  note: r.note,
});

/**
 * Acknowledges an open incident: records who, when and why, which stops its reminders and
 * escalation (reminders.ts), audits it, and tells every channel that was alerted about the
 * incident and subscribes to `acknowledged`. `viaChannelId` marks an acknowledgement through the
 * signed link sent to that channel. A resolved or already acknowledged incident is a CONFLICT.
 */
export async function acknowledgeIncident(
  ctx: Ctx,
  incidentId: string,
  input: { note?: string | null; viaChannelId?: string },
): Promise<Acknowledgement> {
  const { ack, monitorId } = await ctx.db.transaction().execute(async (tx) => {
    // The lock orders this against the reminder sweep and against a second acknowledgement.
    const incident = await tx
      .selectFrom("incidents")
      .selectAll()
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", incidentId)
      .forUpdate()
      .executeTakeFirst();
    if (!incident) throw new NotFoundError("incident", incidentId);
    const existing = await findAcknowledgement(tx, ctx.organizationId, incidentId);
    if (existing) {
      throw new AppError(
        "CONFLICT",
        `This incident was already acknowledged by ${existing.by.name} at ${existing.at.toISOString()}`,
        { reason: "acknowledged" },
      );
    }
    if (incident.status !== "open") {
      throw new AppError(
        "CONFLICT",
        `This incident is already resolved (at ${incident.resolved_at?.toISOString() ?? "an unknown time"})`,
        { reason: "resolved" },
      );
    }
    const by = await whoIsAcknowledging(tx, ctx, input.viaChannelId);
    const row: AckRow = {
      incident_id: incidentId,
      at: new Date(ctx.clock.now()),
      by_type: by.type === "apiKey" ? "api_key" : by.type,
      by_id: by.id,
      by_label: by.name,
      note: input.note ?? null,
    };
    await tx
      .insertInto("incident_acknowledgements")
      .values({ ...row, organization_id: ctx.organizationId })
      .execute();
    await audit(tx, ctx, {
      action: "incident.acknowledge",
      target: { type: "incident", id: incidentId },
      summary: { by: by.name, via: input.viaChannelId ? "link" : "api", note: row.note },
    });
    const ack = viewOf(row);
    await queueAcknowledged(tx, ctx, incident, ack);
    return { ack, monitorId: incident.monitor_id };
  });
  ctx.bus.publish({
    type: "incident.changed",
    organizationId: ctx.organizationId,
    incidentId,
    monitorId,
    change: "acknowledged",
  });
  return ack;
}

/** The incident's acknowledgement, or null; scoped to the organization. */
export async function findAcknowledgement(
  db: Db,
  organizationId: string,
  incidentId: string,
): Promise<Acknowledgement | null> {
  const row = await db
    .selectFrom("incident_acknowledgements")
    .select(["incident_id", "at", "by_type", "by_id", "by_label", "note"])
    .where("organization_id", "=", organizationId)
    .where("incident_id", "=", incidentId)
    .executeTakeFirst();
  return row ? viewOf(row) : null;
}

/** The incident as a link's page shows it: monitor, status and any acknowledgement; NOT_FOUND otherwise. */
export async function glanceAtIncident(ctx: Ctx, incidentId: string): Promise<IncidentGlance> {
  const row = await ctx.db
    .selectFrom("incidents as i")
    .innerJoin("monitors as m", "m.id", "i.monitor_id")
    .select(["i.id", "i.status", "i.started_at", "i.resolved_at", "m.name"])
    .where("i.organization_id", "=", ctx.organizationId)
    .where("i.id", "=", incidentId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("incident", incidentId);
  return {
    incidentId: row.id,
    monitorName: row.name,
    status: row.status === "open" ? "open" : "resolved",
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    acknowledgement: await findAcknowledgement(ctx.db, ctx.organizationId, incidentId),
  };
}

async function whoIsAcknowledging(
  tx: Db,
  ctx: Ctx,
  viaChannelId: string | undefined,
): Promise<AcknowledgedBy> {
  if (viaChannelId) {
    const channel = await tx
      .selectFrom("notification_channels")
      .select("name")
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", viaChannelId)
      .executeTakeFirst();
    return { type: "link", id: viaChannelId, name: `link from channel ${channel?.name ?? "(deleted)"}` };
  }
  const who = await whoIsActing(tx, ctx);
  // Only people, API keys and links acknowledge; the system never does on its own.
  if (who.type === "system") throw new Error("an acknowledgement needs a person, an API key or a link");
  return { type: who.type, id: who.id, name: who.name };
}

/**
 * Writes the `acknowledged` notifications: one per channel that got this incident's down alert,
 * a reminder or an escalation, is enabled and lists `acknowledged` in its events.
 */
async function queueAcknowledged(
  tx: Db,
  ctx: Ctx,
  incident: { id: string; monitor_id: string; cause: string | null; started_at: Date },
  ack: Acknowledgement,
): Promise<void> {
  const opening = await tx
    .selectFrom("monitor_events")
    .select(["id", "from_state"])
    .where("organization_id", "=", ctx.organizationId)
    .where("incident_id", "=", incident.id)
    .where("to_state", "=", "down")
    .orderBy("at")
    .executeTakeFirst();
  const alerted = await tx
    .selectFrom("notifications as n")
    .innerJoin("notification_channels as c", "c.id", "n.channel_id")
    .select("n.channel_id")
    .distinct()
    .where("n.organization_id", "=", ctx.organizationId)
    .where("n.monitor_id", "=", incident.monitor_id)
    .where("n.drill", "=", false)
    .where((eb) =>
      eb.or([
        eb("n.event_id", "=", opening?.id ?? ""),
        eb(sql<boolean>`starts_with(n.event_id, ${`rem:${incident.id}:`})`, "=", true),
        eb(sql<boolean>`starts_with(n.event_id, ${`esc:${incident.id}:`})`, "=", true),
      ]),
    )
    .where("c.enabled", "=", true)
    .where(sql<boolean>`'acknowledged' = ANY(c.events)`)
    .execute();
  if (alerted.length === 0) return;
  const m = (await monitorFacts(tx, [incident.monitor_id])).get(incident.monitor_id);
  if (!m) return;
  const nowMs = ctx.clock.now();
  const drafts: Draft[] = alerted.map(({ channel_id }) => {
    const message: AlertMessage = {
      notificationId: newId("ntf"),
      event: "acknowledged",
      drill: false,
      ...monitorPart(m, ctx.auth.publicUrl),
      state: "down",
      previousState: opening?.from_state ?? "down",
      since: incident.started_at.toISOString(),
      incident: {
        id: incident.id,
        startedAt: incident.started_at.toISOString(),
        resolvedAt: null,
        durationMs: null,
      },
      incidentUrl: incidentLink(ctx.auth.publicUrl, incident.id),
      cause: incident.cause,
      acknowledgeUrl: null,
      acknowledgement: { by: ack.by.name, at: ack.at.toISOString(), note: ack.note },
    };
    return {
      organizationId: ctx.organizationId,
      channelId: channel_id,
      monitorId: incident.monitor_id,
      eventId: `ack:${incident.id}`,
      message,
    };
  });
  await insertNotifications(tx, drafts, nowMs);
}
