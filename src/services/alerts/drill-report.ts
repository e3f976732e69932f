import { monotonic } from "../../lib/clock.ts";
import type { Ctx } from "../context.ts";

/** What one channel answered to one phase of a drill. */
export interface DrillOutcome {
  notificationId: string;
  /** `pending`: no attempt yet, or a failed attempt that will be retried with back-off. */
  outcome: "sent" | "failed" | "pending";
  statusCode: number | null;
  error: string | null;
  /** The latest attempt's latency. */
  latencyMs: number | null;
  attempts: number;
}

export interface DrillReport {
  drillId: string;
  monitorId: string;
  /** Every channel routed for the down or the up; `null` for a phase the channel is not subscribed to. */
  channels: Array<{
    channelId: string;
    name: string;
    kind: string;
    down: DrillOutcome | null;
    up: DrillOutcome | null;
  }>;
  /** What to look at when something did not go through. */
  hints: string[];
}

const DEFAULT_POLL_MS = 100;

/**
 * Waits until every notification of these outbox events has had its first attempt recorded, or
 * `waitMs` has passed (real time: the notifier may be another process, so the rows are polled).
 */
export async function waitForFirstAttempts(
  ctx: Ctx,
  eventIds: string[],
  options: { waitMs: number; pollMs?: number },
): Promise<void> {
  const deadline = monotonic() + options.waitMs;
  for (;;) {
    const waiting = await ctx.db
      .selectFrom("notifications")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("organization_id", "=", ctx.organizationId)
      .where("event_id", "in", eventIds)
      .where((eb) => eb.or([eb("attempts", "=", 0), eb("status", "=", "sending")]))
      .executeTakeFirstOrThrow();
    if (Number(waiting.n) === 0 || monotonic() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? DEFAULT_POLL_MS));
  }
}

/** The report of a drill: per routed channel, the state of its down and up notifications. */
export async function drillReport(
  ctx: Ctx,
  drillId: string,
  monitorId: string,
  downEventId: string,
  upEventId: string,
  options: { waitMs: number },
): Promise<DrillReport> {
  const rows = await ctx.db
    .selectFrom("notifications as n")
    .innerJoin("notification_channels as c", "c.id", "n.channel_id")
    .select([
      "n.id",
      "n.event_id",
      "n.status",
      "n.attempts",
      "n.last_error",
      "c.id as channel_id",
      "c.name",
      "c.kind",
    ])
    .where("n.organization_id", "=", ctx.organizationId)
    .where("n.event_id", "in", [downEventId, upEventId])
    .orderBy("c.name")
    .orderBy("c.id")
    .execute();
  const latest = await latestAttempts(
    ctx,
    rows.map((r) => r.id),
  );
  const channels = new Map<string, DrillReport["channels"][number]>();
  for (const r of rows) {
    const entry = channels.get(r.channel_id) ?? {
      channelId: r.channel_id,
      name: r.name,
      kind: r.kind,
      down: null,
      up: null,
    };
    const attempt = latest.get(r.id);
    entry[r.event_id === downEventId ? "down" : "up"] = {
      notificationId: r.id,
      outcome: r.status === "sent" ? "sent" : r.status === "failed" ? "failed" : "pending",
      statusCode: attempt?.status_code ?? null,
      error: attempt?.error ?? r.last_error,
      latencyMs: attempt?.latency_ms ?? null,
      attempts: r.attempts,
    };
    channels.set(r.channel_id, entry);
  }
  const report = { drillId, monitorId, channels: [...channels.values()] };
  return { ...report, hints: hintsFor(report, monitorId, options.waitMs) };
}

/** The latest recorded attempt of each notification. */
async function latestAttempts(ctx: Ctx, notificationIds: string[]) {
  if (notificationIds.length === 0) return new Map();
  const attempts = await ctx.db
    .selectFrom("delivery_attempts")
    .select(["notification_id", "status_code", "latency_ms", "error", "at"])
    .where("organization_id", "=", ctx.organizationId)
    .where("notification_id", "in", notificationIds)
    .orderBy("at")
    .orderBy("id")
    .execute();
  return new Map(attempts.map((a) => [a.notification_id, a]));
}

function hintsFor(report: Omit<DrillReport, "hints">, monitorId: string, waitMs: number): string[] {
  const outcomes = report.channels.flatMap((c) => [c.down, c.up]).filter((o) => o !== null);
  const hints: string[] = [];
  if (outcomes.some((o) => o.attempts === 0))
    hints.push(
      `Some deliveries had no attempt within ${Math.round(waitMs / 1000)} s: is a notifier running (UPBLIT_ROLES with notifier)? They are still in the outbox and will be sent.`,
    );
  if (outcomes.some((o) => o.outcome === "pending" && o.attempts > 0))
    hints.push(
      `Some receivers failed and will be retried with back-off: GET /api/v1/notifications?monitorId=${monitorId} shows every attempt.`,
    );
  if (outcomes.some((o) => o.outcome === "failed"))
    hints.push("Some receivers refused the message for good (a dead letter): check the channel's settings.");
  return hints;
}
