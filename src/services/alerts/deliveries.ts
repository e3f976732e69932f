import { sql } from "kysely";
import type { AlertMessage, SendOutcome } from "../../domain/alert-message.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { dueOrLapsed } from "../../storage/repos/outbox-claim.ts";
import { audit } from "../audit/record.ts";
import type { Ctx, Runtime } from "../context.ts";
import { type Page, toPage } from "../page.ts";
import type { ClaimedDelivery } from "./handover.ts";
import { RETRY_WINDOW_MS } from "./outbox.ts";

const BACKOFF_FIRST_MS = 10_000;
const BACKOFF_MAX_MS = 60 * 60_000;

/**
 * Claims due notifications for `leaseMs`: pending ones whose time has come, and ones whose claim lapsed (their
 * notifier died between send and record: they go again, with the same id). FOR UPDATE SKIP
 * LOCKED lets several notifiers share the outbox without ever claiming the same row.
 */
export async function claimDueDeliveries(
  rt: Runtime,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  const now = new Date(rt.clock.now());
  const rows = await rt.db
    .updateTable("notifications as n")
    .set({
      status: "sending",
      lease_until: new Date(now.getTime() + leaseMs),
      attempts: sql`n.attempts + 1`,
    })
    .from("notification_channels as c")
    .whereRef("c.id", "=", "n.channel_id")
    .where("n.id", "in", (eb) =>
      eb
        .selectFrom("notifications")
        .select("id")
        .where(dueOrLapsed(now))
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning([
      "n.id",
      "n.organization_id",
      "n.channel_id",
      "n.message",
      "n.attempts",
      "n.give_up_at",
      "n.lease_until",
    ])
    .returning(["c.kind", "c.config", "c.secrets", "c.template"])
    .execute();
  for (const r of rows) announce(rt, r.organization_id, r.id, r.channel_id, "sending");
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    channelId: r.channel_id,
    kind: r.kind,
    config: r.config,
    sealedSecrets: r.secrets,
    template: r.template,
    message: r.message as unknown as AlertMessage,
    attempts: r.attempts,
    giveUpAt: r.give_up_at,
    leaseUntil: r.lease_until ?? now,
  }));
}

/**
 * Gives back claims that were never sent (a notifier stopping with deliveries still waiting for a
 * slot): pending again at once, the claim's attempt uncounted. Only the holder's claim is undone.
 */
export async function releaseClaims(rt: Runtime, claims: ClaimedDelivery[]): Promise<void> {
  if (claims.length === 0) return;
  const rows = claims.map((d) => sql`(${d.id}::text, ${d.leaseUntil.toISOString()}::timestamptz)`);
  const released = await sql<{ id: string; organization_id: string; channel_id: string }>`
    update notifications as n
       set status = 'pending', lease_until = null, attempts = greatest(n.attempts - 1, 0)
      from (values ${sql.join(rows)}) as v(id, lease_until)
     where n.id = v.id and n.status = 'sending' and n.lease_until = v.lease_until
    returning n.id, n.organization_id, n.channel_id`.execute(rt.db);
  for (const r of released.rows) announce(rt, r.organization_id, r.id, r.channel_id, "pending");
}

/** Exponential back-off with jitter: 10 s, 20 s, 40 s … capped at an hour, each 50–100 % of that. */
export function retryDelayMs(
  attempts: number,
  retryAfterMs: number | undefined,
  random = Math.random,
): number {
  const base = Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  return Math.max(Math.round(base * (0.5 + random() / 2)), retryAfterMs ?? 0);
}

/** One finished attempt, waiting to be recorded. */
export interface FinishedAttempt {
  delivery: ClaimedDelivery;
  outcome: SendOutcome;
  latencyMs: number;
  /** When the attempt ended (the clock's ms): the attempt's time and, if sent, `sent_at`. */
  at: number;
}

type AttemptResult = "sent" | "retry" | "failed";

function resultOf(f: FinishedAttempt): { result: AttemptResult; next: number; error: string | null } {
  const { outcome, delivery: d } = f;
  const next = outcome.ok ? f.at : f.at + retryDelayMs(d.attempts, outcome.retryAfterMs);
  const result = outcome.ok ? "sent" : outcome.retryable && next < d.giveUpAt.getTime() ? "retry" : "failed";
  return { result, next, error: outcome.ok ? null : outcome.error.slice(0, 500) };
}

/**
 * Records one attempt and moves the notification on: sent; pending again after a back-off; or
 * failed (a dead letter) when the outcome is final or the retry window is over. A 410 also
 * disables the channel.
 */
export async function recordAttempt(
  rt: Runtime,
  d: ClaimedDelivery,
  outcome: SendOutcome,
  latencyMs: number,
): Promise<AttemptResult> {
  const [result] = await recordAttempts(rt, [{ delivery: d, outcome, latencyMs, at: rt.clock.now() }]);
  return result!;
}

/**
 * Records several finished attempts in one statement, whatever their number: the attempts, the
 * notifications' new states and the channels to disable, as one implicit transaction. The notifier
 * records whatever finished meanwhile together, so on the embedded database (one connection, and
 * the JavaScript thread it shares) a burst of deliveries costs one exchange per batch rather than
 * four per delivery. Results in the order given.
 */
export async function recordAttempts(rt: Runtime, finished: FinishedAttempt[]): Promise<AttemptResult[]> {
  if (finished.length === 0) return [];
  const judged = finished.map((f) => ({ f, ...resultOf(f) }));
  const gone = [
    ...new Map(
      judged.flatMap(({ f }) =>
        !f.outcome.ok && f.outcome.disable ? [[f.delivery.channelId, f.outcome.statusCode] as const] : [],
      ),
    ),
  ];
  const column = <T>(pick: (j: (typeof judged)[number]) => T) => judged.map(pick);
  const iso = (ms: number) => new Date(ms).toISOString();
  const ids = column(({ f }) => f.delivery.id);
  const errors = column(({ error }) => error);
  // Only the holder of the claim moves the row on: a notifier that outlived its lease (the row was
  // claimed again meanwhile) records its attempt but cannot overwrite the newer claim's outcome.
  const moved = await sql<{ id: string }>`
    with attempts as (
      insert into delivery_attempts
             (id, notification_id, organization_id, at, outcome, status_code, latency_ms, error)
      select * from unnest(
        ${column(({ f }) => newId("att", f.at))}::text[], ${ids}::text[],
        ${column(({ f }) => f.delivery.organizationId)}::text[], ${column(({ f }) => iso(f.at))}::timestamptz[],
        ${column(({ result }) => result)}::text[], ${column(({ f }) => f.outcome.statusCode ?? null)}::int[],
        ${column(({ f }) => Math.round(f.latencyMs))}::int[], ${errors}::text[])
    ), gone as (
      update notification_channels as c
         set enabled = false, disabled_reason = g.reason
        from unnest(${gone.map(([id]) => id)}::text[], ${gone.map(
          ([, statusCode]) => `the receiver answered ${statusCode ?? "gone"}: endpoint gone`,
        )}::text[]) as g(id, reason)
       where c.id = g.id
    )
    update notifications as n
       set status = v.status, lease_until = null, next_attempt_at = v.next_attempt_at,
           last_error = v.last_error, sent_at = v.sent_at
      from unnest(
        ${ids}::text[], ${column(({ f }) => f.delivery.leaseUntil.toISOString())}::timestamptz[],
        ${column(({ result }) => (result === "retry" ? "pending" : result))}::text[],
        ${column(({ next }) => iso(next))}::timestamptz[], ${errors}::text[],
        ${column(({ f, result }) => (result === "sent" ? iso(f.at) : null))}::timestamptz[]
      ) as v(id, lease_until, status, next_attempt_at, last_error, sent_at)
     where n.id = v.id and n.status = 'sending' and n.lease_until = v.lease_until
    returning n.id`.execute(rt.db);
  const movedIds = new Set(moved.rows.map((r) => r.id));
  // Only the rows that moved: an attempt recorded after its claim lapsed changed nothing to show.
  for (const { f, result } of judged) {
    const d = f.delivery;
    if (movedIds.has(d.id))
      announce(rt, d.organizationId, d.id, d.channelId, result === "retry" ? "pending" : result);
  }
  return judged.map((j) => j.result);
}

/**
 * Gives this process's notifier the deliveries claimed for it in a transaction that just
 * committed (handover.ts), and tells live clients they are being sent.
 */
export function handOver(rt: Runtime, claimed: ClaimedDelivery[]): void {
  if (claimed.length === 0) return;
  for (const d of claimed) announce(rt, d.organizationId, d.id, d.channelId, "sending");
  rt.handover?.take(claimed);
}

/** Tells live clients (the dashboard's deliveries screen) that a delivery moved on. */
function announce(
  rt: Pick<Runtime, "bus">,
  organizationId: string,
  notificationId: string,
  channelId: string,
  status: "sending" | "pending" | "sent" | "failed",
): void {
  rt.bus.publish({ type: "delivery.changed", organizationId, notificationId, channelId, status });
}

export interface NotificationView {
  id: string;
  channelId: string;
  monitorId: string | null;
  /** The monitor the delivery is about, with its current name; null without a monitor, or once it was deleted. */
  monitor: { id: string; name: string } | null;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveryAttempts: Array<{
    at: Date;
    outcome: string;
    statusCode: number | null;
    latencyMs: number;
    error: string | null;
  }>;
}

/** The outbox of this organization, newest first; `status: "failed"` lists the dead letters. */
export async function listNotifications(
  ctx: Ctx,
  filter: { status?: string; channelId?: string; monitorId?: string },
  page: { cursor?: string; limit: number },
): Promise<Page<NotificationView>> {
  // The monitor's name in the same query; the join is tenant-scoped too, and a deleted monitor
  // (notifications keep its id) finds no row.
  let q = ctx.db
    .selectFrom("notifications as n")
    .leftJoin("monitors as m", (join) =>
      join.onRef("m.id", "=", "n.monitor_id").onRef("m.organization_id", "=", "n.organization_id"),
    )
    .selectAll("n")
    .select("m.name as monitor_name")
    .where("n.organization_id", "=", ctx.organizationId)
    .orderBy("n.id", "desc")
    .limit(page.limit + 1);
  if (filter.status) q = q.where("n.status", "=", filter.status as "pending");
  if (filter.channelId) q = q.where("n.channel_id", "=", filter.channelId);
  if (filter.monitorId) q = q.where("n.monitor_id", "=", filter.monitorId);
  if (page.cursor) q = q.where("n.id", "<", page.cursor);
  const rows = await q.execute();
  const shown = rows.slice(0, page.limit).map((r) => r.id);
  const attempts = shown.length
    ? await ctx.db
        .selectFrom("delivery_attempts")
        .selectAll()
        .where("notification_id", "in", shown)
        .orderBy("at")
        .execute()
    : [];
  return toPage(
    rows,
    page.limit,
    (r) => ({
      id: r.id,
      channelId: r.channel_id,
      monitorId: r.monitor_id,
      monitor: r.monitor_id && r.monitor_name !== null ? { id: r.monitor_id, name: r.monitor_name } : null,
      event: r.event,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
      deliveryAttempts: attempts
        .filter((a) => a.notification_id === r.id)
        .map((a) => ({
          at: a.at,
          outcome: a.outcome,
          statusCode: a.status_code,
          latencyMs: a.latency_ms,
          error: a.error,
        })),
    }),
    (r) => r.id,
  );
}

/** Sends a dead letter again: back to pending now, with a fresh retry window. */
export async function retryNotification(ctx: Ctx, id: string): Promise<void> {
  const now = ctx.clock.now();
  const channelId = await ctx.db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable("notifications")
      .set({
        status: "pending",
        next_attempt_at: new Date(now),
        give_up_at: new Date(now + RETRY_WINDOW_MS),
        lease_until: null,
      })
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .where("status", "=", "failed")
      .returning("channel_id")
      .executeTakeFirst();
    if (!done) throw new NotFoundError("failed notification", id);
    await audit(tx, ctx, { action: "notification.retry", target: { type: "notification", id } });
    return done.channel_id;
  });
  announce(ctx, ctx.organizationId, id, channelId, "pending");
}
