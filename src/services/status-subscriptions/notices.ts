import { sql } from "kysely";
import type { Db } from "../../storage/db.ts";
import { dueOrLapsed } from "../../storage/repos/outbox-claim.ts";
import type { NoticeContent } from "../../storage/schema-status-subscriptions.ts";
import type { Ctx, Runtime } from "../context.ts";

/** What happened to an incident, as subscribers are told. */
export type NoticeEvent = "published" | "updated" | "resolved";

/** Attempts per notice before it is given up (a mail server refusing the address for good). */
export const NOTICE_MAX_ATTEMPTS = 5;
const BACKOFF_FIRST_MS = 30_000;

/**
 * Owes a notice of an incident's change to every confirmed subscriber of its page who follows one
 * of its components (or all of them; an incident naming no component concerns everyone). Runs in
 * the transaction that changed the incident, so the notices commit with the change or not at
 * all; the notifier role sends them later (never the request). Drafts and non-public pages owe
 * nothing. Returns how many notices were written.
 */
export async function owePageNotices(
  tx: Db,
  ctx: Ctx,
  incidentId: string,
  event: NoticeEvent,
): Promise<number> {
  const incident = await tx
    .selectFrom("status_incidents as i")
    .innerJoin("status_pages as p", "p.id", "i.page_id")
    .select(["i.id", "i.page_id", "i.title", "i.status", "i.impact", "i.kind", "i.published"])
    .select(["p.title as page_title", "p.slug", "p.visibility"])
    .where("i.organization_id", "=", ctx.organizationId)
    .where("i.id", "=", incidentId)
    .executeTakeFirst();
  if (!incident?.published || incident.visibility !== "public") return 0;
  const latest = await tx
    .selectFrom("status_incident_updates")
    .select("body")
    .where("incident_id", "=", incidentId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  const components = await tx
    .selectFrom("status_incident_components")
    .select("monitor_id")
    .where("incident_id", "=", incidentId)
    .execute();
  const content: NoticeContent = {
    pageTitle: incident.page_title,
    pageSlug: incident.slug,
    title: incident.title,
    status: incident.status,
    impact: incident.impact,
    kind: incident.kind,
    body: latest?.body ?? "",
  };
  const now = new Date(ctx.clock.now());
  const ids = components.map((c) => c.monitor_id);
  const follows =
    ids.length === 0
      ? sql`true`
      : sql`(jsonb_array_length(s.component_ids) = 0 OR s.component_ids ?| array[${sql.join(ids)}]::text[])`;
  const values = sql`${incidentId}, ${event}, ${JSON.stringify(content)}::jsonb, 'pending', 0, ${now}, ${now}`;
  const mails = await sql`
    INSERT INTO status_subscription_notices
      (id, organization_id, page_id, subscriber_id, incident_id, event, content, status, attempts, next_attempt_at, created_at)
    SELECT 'spn_' || replace(gen_random_uuid()::text, '-', ''), s.organization_id, s.page_id, s.id, ${values}
    FROM status_subscribers s
    WHERE s.organization_id = ${ctx.organizationId} AND s.page_id = ${incident.page_id}
      AND s.confirmed_at IS NOT NULL AND ${follows}
  `.execute(tx);
  const hooks = await sql`
    INSERT INTO status_subscription_notices
      (id, organization_id, page_id, webhook_id, incident_id, event, content, status, attempts, next_attempt_at, created_at)
    SELECT 'spn_' || replace(gen_random_uuid()::text, '-', ''), s.organization_id, s.page_id, s.id, ${values}
    FROM status_webhook_subscriptions s
    WHERE s.organization_id = ${ctx.organizationId} AND s.page_id = ${incident.page_id} AND ${follows}
  `.execute(tx);
  return Number(mails.numAffectedRows ?? 0) + Number(hooks.numAffectedRows ?? 0);
}

/** Where a claimed notice goes: a subscriber's inbox or a webhook (its secret still sealed). */
export type NoticeTarget =
  | { kind: "email"; subscriberId: string; email: string }
  | { kind: "webhook"; webhookId: string; url: string; sealedSecret: string };

/** A claimed notice with where it goes. */
export interface ClaimedNotice {
  id: string;
  pageId: string;
  incidentId: string;
  target: NoticeTarget;
  event: string;
  content: NoticeContent;
  attempts: number;
  leaseUntil: Date;
}

/**
 * Claims due notices for `leaseMs`: pending ones whose time has come and ones whose claim lapsed
 * (their notifier died mid-send: they go again). SKIP LOCKED lets several notifiers share them.
 */
export async function claimDueNotices(rt: Runtime, limit: number, leaseMs: number): Promise<ClaimedNotice[]> {
  const now = new Date(rt.clock.now());
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await rt.db
    .updateTable("status_subscription_notices as n")
    .set({ status: "sending", lease_until: leaseUntil, attempts: sql`n.attempts + 1` })
    .where("n.id", "in", (eb) =>
      eb
        .selectFrom("status_subscription_notices")
        .select("id")
        .where(dueOrLapsed(now))
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning([
      "n.id",
      "n.page_id",
      "n.incident_id",
      "n.subscriber_id",
      "n.webhook_id",
      "n.event",
      "n.content",
      "n.attempts",
    ])
    .execute();
  if (rows.length === 0) return [];
  const targets = await targetsOf(
    rt.db,
    rows.flatMap((r) => (r.subscriber_id ? [r.subscriber_id] : [])),
    rows.flatMap((r) => (r.webhook_id ? [r.webhook_id] : [])),
  );
  return rows.flatMap((r) => {
    const target = targets.get(r.subscriber_id ?? r.webhook_id ?? "");
    if (!target) return []; // deleted meanwhile: the cascade took the notice too
    return [
      {
        id: r.id,
        pageId: r.page_id,
        incidentId: r.incident_id,
        target,
        event: r.event,
        content: r.content,
        attempts: r.attempts,
        leaseUntil,
      },
    ];
  });
}

async function targetsOf(
  db: Db,
  subscriberIds: string[],
  webhookIds: string[],
): Promise<Map<string, NoticeTarget>> {
  const targets = new Map<string, NoticeTarget>();
  if (subscriberIds.length > 0) {
    const rows = await db
      .selectFrom("status_subscribers")
      .select(["id", "email"])
      .where("id", "in", subscriberIds)
      .execute();
    for (const r of rows) targets.set(r.id, { kind: "email", subscriberId: r.id, email: r.email });
  }
  if (webhookIds.length > 0) {
    const rows = await db
      .selectFrom("status_webhook_subscriptions")
      .select(["id", "url", "secret"])
      .where("id", "in", webhookIds)
      .execute();
    for (const r of rows)
      targets.set(r.id, { kind: "webhook", webhookId: r.id, url: r.url, sealedSecret: r.secret });
  }
  return targets;
}

/**
 * Records one attempt while the claim still holds: a sent notice is deleted (nothing personal is
 * kept longer than needed), a failed one waits with a doubling back-off or is given up.
 */
export async function recordNoticeAttempt(
  rt: Runtime,
  notice: ClaimedNotice,
  error: string | undefined,
  /** The receiver refused for good (a webhook's 4xx other than 429): no retry. */
  final = false,
): Promise<"sent" | "retry" | "failed"> {
  const claim = rt.db
    .updateTable("status_subscription_notices")
    .where("id", "=", notice.id)
    .where("lease_until", "=", notice.leaseUntil);
  if (error === undefined) {
    await rt.db
      .deleteFrom("status_subscription_notices")
      .where("id", "=", notice.id)
      .where("lease_until", "=", notice.leaseUntil)
      .execute();
    return "sent";
  }
  if (final || notice.attempts >= NOTICE_MAX_ATTEMPTS) {
    await claim.set({ status: "failed", lease_until: null, last_error: error.slice(0, 500) }).execute();
    return "failed";
  }
  const wait = BACKOFF_FIRST_MS * 2 ** (notice.attempts - 1);
  await claim
    .set({
      status: "pending",
      lease_until: null,
      last_error: error.slice(0, 500),
      next_attempt_at: new Date(rt.clock.now() + wait),
    })
    .execute();
  return "retry";
}
