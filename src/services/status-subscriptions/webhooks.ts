import { randomBytes } from "node:crypto";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { encryptSecret } from "../../lib/keys.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { componentProblems, requirePageOf } from "../status-incidents/store.ts";

/** Webhook subscriptions per page (docs/status-pages.md). */
export const MAX_WEBHOOKS_PER_PAGE = 10;

/** A Standard Webhooks signing secret: `whsec_` and base64 of 32 random bytes. */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** A webhook subscription as members see it; the secret is shown once, when it is made. */
export interface PageWebhook {
  id: string;
  pageId: string;
  url: string;
  components: string[];
  createdAt: Date;
}

export interface CreateWebhookInput {
  url: string;
  components: string[];
}

function view(r: {
  id: string;
  page_id: string;
  url: string;
  component_ids: string[];
  created_at: Date;
}): PageWebhook {
  return { id: r.id, pageId: r.page_id, url: r.url, components: r.component_ids, createdAt: r.created_at };
}

/**
 * Adds a webhook that gets the page's notices signed per Standard Webhooks, with a fresh signing
 * secret stored encrypted and returned only here. The URL is dialled through the SSRF-safe
 * client when notices are sent. Audited (without the secret).
 */
export async function createPageWebhook(
  ctx: Ctx,
  pageId: string,
  input: CreateWebhookInput,
): Promise<PageWebhook & { secret: string }> {
  const secret = newSigningSecret();
  const components = [...new Set(input.components)];
  const row = await ctx.db.transaction().execute(async (tx) => {
    await requirePageOf(tx, ctx, pageId);
    const issues = (await componentProblems(tx, ctx, pageId, components)).map((i) => ({
      ...i,
      path: i.path.replace("componentIds", "components"),
    }));
    if (issues.length > 0) throw new AppError("VALIDATION", "Unknown components", { errors: issues });
    await assertRoom(tx, pageId);
    const now = new Date(ctx.clock.now());
    const inserted = await tx
      .insertInto("status_webhook_subscriptions")
      .values({
        id: newId("swh", now.getTime()),
        organization_id: ctx.organizationId,
        page_id: pageId,
        url: input.url,
        secret: encryptSecret(ctx.keys.encryption, secret),
        component_ids: JSON.stringify(components),
        created_at: now,
      })
      .returning(["id", "page_id", "url", "component_ids", "created_at"])
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, {
      action: "status_webhook.create",
      target: { type: "status_webhook", id: inserted.id },
      summary: { pageId, url: input.url, components: components.length },
    });
    return inserted;
  });
  return { ...view(row), secret };
}

async function assertRoom(tx: Db, pageId: string): Promise<void> {
  const count = await tx
    .selectFrom("status_webhook_subscriptions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("page_id", "=", pageId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_WEBHOOKS_PER_PAGE) {
    throw new AppError("LIMIT_EXCEEDED", `A page has at most ${MAX_WEBHOOKS_PER_PAGE} webhook subscriptions`);
  }
}

/** The page's webhook subscriptions, oldest first (never their secrets). */
export async function listPageWebhooks(ctx: Ctx, pageId: string): Promise<PageWebhook[]> {
  await requirePageOf(ctx.db, ctx, pageId);
  const rows = await ctx.db
    .selectFrom("status_webhook_subscriptions")
    .select(["id", "page_id", "url", "component_ids", "created_at"])
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .orderBy("id")
    .execute();
  return rows.map(view);
}

/** Removes a webhook subscription with the notices still owed to it. Audited. */
export async function deletePageWebhook(ctx: Ctx, pageId: string, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom("status_webhook_subscriptions")
      .where("organization_id", "=", ctx.organizationId)
      .where("page_id", "=", pageId)
      .where("id", "=", id)
      .returning("url")
      .executeTakeFirst();
    if (!row) throw new NotFoundError("status page webhook", id);
    await audit(tx, ctx, {
      action: "status_webhook.delete",
      target: { type: "status_webhook", id },
      summary: { pageId, url: row.url },
    });
  });
}
