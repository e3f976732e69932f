import type { AlertMessage } from "../../domain/alert-message.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { lockMonitor } from "../monitors/query.ts";
import { type DrillReport, drillReport, waitForFirstAttempts } from "./drill-report.ts";
import { type Draft, insertNotifications, type MonitorFacts, monitorFacts, monitorPart } from "./outbox.ts";
import { routeChannels } from "./routing.ts";

export type { DrillOutcome, DrillReport } from "./drill-report.ts";

/** Drills allowed per monitor and per organization within an hour (docs/fire-drills.md). */
export const DRILL_LIMITS = { perMonitorPerHour: 6, perOrganizationPerHour: 30 } as const;
const HOUR_MS = 3_600_000;
/** A drill still open after this long was left by a process that died: the next one closes it. */
const STALE_DRILL_MS = 10 * 60_000;

export interface DrillOptions {
  /** How long to wait for each phase's first attempts (twice the attempt deadline). */
  waitMs: number;
  /** How often the outbox rows are looked at while waiting. */
  pollMs?: number;
}

interface Started {
  drillId: string;
  facts: MonitorFacts;
  downChannels: string[];
  upChannels: string[];
}

/**
 * A fire drill: a simulated down, then a recovery, through the real pipeline (routing, outbox,
 * notifier, adapters) to every channel routed to the monitor, every message marked as a drill.
 * Waits (bounded) for each phase's first delivery attempts and reports what each channel
 * answered. The monitor's state and incidents are never touched. One drill per monitor at a
 * time (409), a few per hour (429); audited.
 */
export async function runDrill(ctx: Ctx, monitorId: string, options: DrillOptions): Promise<DrillReport> {
  const started = await startDrill(ctx, monitorId);
  const { drillId, facts } = started;
  try {
    if (started.downChannels.length === 0 && started.upChannels.length === 0) {
      return {
        drillId,
        monitorId,
        channels: [],
        hints: [
          "No channel is routed to this monitor for down or up alerts: make a channel a default, name it on the monitor (PUT /api/v1/monitors/{id}/channels), or add a routing rule.",
        ],
      };
    }
    const downAt = ctx.clock.now();
    await writeDrafts(ctx, started, "down", drillMessage(ctx, facts, drillId, "down", downAt));
    await waitForFirstAttempts(ctx, [eventIdOf(drillId, "down")], options);
    const upAt = ctx.clock.now();
    await writeDrafts(ctx, started, "up", drillMessage(ctx, facts, drillId, "up", upAt, downAt));
    await waitForFirstAttempts(ctx, [eventIdOf(drillId, "up")], options);
    return await drillReport(
      ctx,
      drillId,
      monitorId,
      eventIdOf(drillId, "down"),
      eventIdOf(drillId, "up"),
      options,
    );
  } finally {
    await ctx.db
      .updateTable("monitor_drills")
      .set({ finished_at: new Date(ctx.clock.now()) })
      .where("id", "=", drillId)
      .execute();
  }
}

/** The outbox event id of a drill's phase: unique per channel, so a phase is written once. */
export function eventIdOf(drillId: string, phase: "down" | "up"): string {
  return `drill:${drillId}:${phase}`;
}

/**
 * Opens the drill in one transaction with its audit row: the monitor locked, an abandoned drill
 * closed, a running one refused (409), the hourly limits checked (429), the channels routed.
 */
async function startDrill(ctx: Ctx, monitorId: string): Promise<Started> {
  const now = ctx.clock.now();
  const drillId = newId("drl", now);
  return ctx.db.transaction().execute(async (tx) => {
    await lockMonitor(tx, ctx, monitorId);
    await tx
      .updateTable("monitor_drills")
      .set({ finished_at: new Date(now) })
      .where("monitor_id", "=", monitorId)
      .where("finished_at", "is", null)
      .where("started_at", "<", new Date(now - STALE_DRILL_MS))
      .execute();
    const running = await tx
      .selectFrom("monitor_drills")
      .select("id")
      .where("monitor_id", "=", monitorId)
      .where("finished_at", "is", null)
      .executeTakeFirst();
    if (running)
      throw new AppError(
        "CONFLICT",
        `A drill of this monitor is running (${running.id}); wait for its report`,
      );
    await checkDrillLimits(ctx, tx, monitorId, now);
    await tx
      .insertInto("monitor_drills")
      .values({
        id: drillId,
        organization_id: ctx.organizationId,
        monitor_id: monitorId,
        started_by: actorId(ctx),
        started_at: new Date(now),
      })
      .execute();
    const request = { organizationId: ctx.organizationId, monitorId };
    const [downChannels = [], upChannels = []] = await routeChannels(tx, [
      { ...request, event: "down" },
      { ...request, event: "up" },
    ]);
    const facts = (await monitorFacts(tx, [monitorId])).get(monitorId);
    if (!facts) throw new Error(`monitor ${monitorId} vanished while locked`);
    await audit(tx, ctx, {
      action: "monitor.drill",
      target: { type: "monitor", id: monitorId },
      summary: { drillId, downChannelIds: downChannels, upChannelIds: upChannels },
    });
    return { drillId, facts, downChannels, upChannels };
  });
}

/** At most DRILL_LIMITS per monitor and per organization in the last hour; the answer says when to retry. */
async function checkDrillLimits(ctx: Ctx, tx: Ctx["db"], monitorId: string, now: number): Promise<void> {
  const since = new Date(now - HOUR_MS);
  const recent = await tx
    .selectFrom("monitor_drills")
    .select(["monitor_id", "started_at"])
    .where("organization_id", "=", ctx.organizationId)
    .where("started_at", ">", since)
    .orderBy("started_at")
    .execute();
  const ofMonitor = recent.filter((d) => d.monitor_id === monitorId);
  const over =
    ofMonitor.length >= DRILL_LIMITS.perMonitorPerHour
      ? { rows: ofMonitor, limit: DRILL_LIMITS.perMonitorPerHour, what: "this monitor" }
      : recent.length >= DRILL_LIMITS.perOrganizationPerHour
        ? { rows: recent, limit: DRILL_LIMITS.perOrganizationPerHour, what: "this organization" }
        : undefined;
  if (!over) return;
  // The window frees up when the oldest drill that counts against the limit is an hour old.
  const oldest = over.rows[over.rows.length - over.limit]!.started_at.getTime();
  throw new AppError("LIMIT_EXCEEDED", `At most ${over.limit} drills per hour for ${over.what}`, {
    retryAfterSeconds: Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000)),
  });
}

function actorId(ctx: Ctx): string | null {
  if (ctx.actor.kind === "user") return ctx.actor.userId;
  return ctx.actor.kind === "apiKey" ? ctx.actor.keyId : null;
}

/**
 * A drill phase's message, without the notification id: a simulated failure or recovery of the
 * real monitor, marked as a drill. Its "incident" is the drill itself, so PagerDuty and Opsgenie
 * resolve the drill's own `drill-` alert and never touch a real one.
 */
function drillMessage(
  ctx: Ctx,
  facts: MonitorFacts,
  drillId: string,
  phase: "down" | "up",
  at: number,
  downAt = at,
): Omit<AlertMessage, "notificationId"> {
  const up = phase === "up";
  return {
    event: phase,
    drill: true,
    ...monitorPart(facts, ctx.auth.publicUrl),
    state: phase,
    previousState: up ? "down" : "up",
    since: new Date(at).toISOString(),
    incident: {
      id: drillId,
      startedAt: new Date(downAt).toISOString(),
      resolvedAt: up ? new Date(at).toISOString() : null,
      durationMs: up ? at - downAt : null,
    },
    cause: up ? null : "Fire drill: a simulated failure, nothing is actually down.",
    acknowledgeUrl: null,
  };
}

/** Writes one phase's notifications to the outbox, one per routed channel, due now. */
async function writeDrafts(
  ctx: Ctx,
  started: Started,
  phase: "down" | "up",
  message: Omit<AlertMessage, "notificationId">,
): Promise<void> {
  const channels = phase === "down" ? started.downChannels : started.upChannels;
  const drafts: Draft[] = channels.map((channelId) => ({
    organizationId: ctx.organizationId,
    channelId,
    monitorId: started.facts.id,
    eventId: eventIdOf(started.drillId, phase),
    message: { ...message, notificationId: newId("ntf") },
  }));
  await ctx.db.transaction().execute((tx) => insertNotifications(tx, drafts, ctx.clock.now()));
}
