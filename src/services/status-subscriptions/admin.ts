import { NotFoundError } from "../../lib/errors.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { type Page, toPage } from "../page.ts";
import { requirePageOf } from "../status-incidents/store.ts";

/** A subscriber as the page's organization sees it (the email is personal data: members only). */
export interface Subscriber {
  id: string;
  email: string;
  /** Component (monitor) ids followed; empty = every component. */
  components: string[];
  confirmed: boolean;
  confirmedAt: Date | null;
  /** When an unconfirmed subscription lapses; null once confirmed. */
  expiresAt: Date | null;
  createdAt: Date;
}

/**
 * The page's subscribers, oldest first, `limit` per page of results after `cursor` (a subscriber
 * id). Unconfirmed ones past their 48 hours are left out (the next subscribe drops them).
 */
export async function listSubscribers(
  ctx: Ctx,
  pageId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<Subscriber>> {
  await requirePageOf(ctx.db, ctx, pageId);
  const now = new Date(ctx.clock.now());
  let q = ctx.db
    .selectFrom("status_subscribers")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .where((w) => w.or([w("confirmed_at", "is not", null), w("expires_at", ">", now)]));
  if (options.cursor) q = q.where("id", ">", options.cursor);
  const rows = await q
    .orderBy("id")
    .limit(options.limit + 1)
    .execute();
  return toPage(
    rows,
    options.limit,
    (r) => ({
      id: r.id,
      email: r.email,
      components: r.component_ids,
      confirmed: r.confirmed_at !== null,
      confirmedAt: r.confirmed_at,
      expiresAt: r.expires_at,
      createdAt: r.created_at,
    }),
    (r) => r.id,
  );
}

/** Removes a subscriber of the organization's page (with the notices owed to it). Audited. */
export async function deleteSubscriber(ctx: Ctx, pageId: string, subscriberId: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom("status_subscribers")
      .where("organization_id", "=", ctx.organizationId)
      .where("page_id", "=", pageId)
      .where("id", "=", subscriberId)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw new NotFoundError("status page subscriber", subscriberId);
    await audit(tx, ctx, {
      action: "status_subscriber.delete",
      target: { type: "status_subscriber", id: subscriberId },
      summary: { pageId },
    });
  });
}
