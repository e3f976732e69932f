import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { normalizeEmail } from "../auth/login.ts";
import { hashToken, newSecretToken } from "../auth/secrets.ts";
import type { Ctx, Runtime } from "../context.ts";
import { confirmationMail } from "./mails.ts";
import { readUnsubscribeToken } from "./tokens.ts";

/** Documented limits (docs/status-pages.md, "Subscriptions"). */
export const SUBSCRIPTION_LIMITS = {
  /** An unconfirmed subscription (and its link) lapses after this. */
  confirmWithinMs: 48 * 3_600_000,
  componentsPerSubscription: 100,
  subscribersPerPage: 100_000,
} as const;

export interface SubscribeInput {
  email: string;
  /** Monitor ids of the page's components; empty = all. */
  components: string[];
}

interface PublicPage {
  id: string;
  organization_id: string;
  title: string;
  slug: string;
}

/** A public page by slug; NOT_FOUND for any other (password and members pages take no subscribers). */
export async function publicPageBySlug(db: Db, slug: string): Promise<PublicPage> {
  const page = await db
    .selectFrom("status_pages")
    .select(["id", "organization_id", "title", "slug"])
    .where("slug", "=", slug)
    .where("visibility", "=", "public")
    .executeTakeFirst();
  if (!page) throw new AppError("NOT_FOUND", "No such status page");
  return page;
}

function systemCtx(rt: Runtime, organizationId: string): Ctx {
  return { ...rt, organizationId, actor: { kind: "system" } };
}

/** The link a confirmation mail carries; GET shows a button, POST confirms. */
export function confirmUrl(rt: Runtime, slug: string, token: string): string {
  return `${rt.auth.publicUrl}/status/${encodeURIComponent(slug)}/subscriptions/confirm?token=${token}`;
}

/**
 * Starts a double opt-in subscription: stores the address unconfirmed with a hashed single-use
 * token and mails the link. An address already confirmed gets nothing; the answer (and its
 * timing: the mail is sent after the answer) is the same either way, so nobody learns who
 * subscribed. Expired unconfirmed subscriptions of the page are dropped on the way.
 */
export async function subscribe(rt: Runtime, slug: string, input: SubscribeInput): Promise<void> {
  const page = await publicPageBySlug(rt.db, slug);
  const email = normalizeEmail(input.email);
  const components = [...new Set(input.components)];
  const ctx = systemCtx(rt, page.organization_id);
  const token = newSecretToken();
  const now = new Date(rt.clock.now());
  const send = await rt.db.transaction().execute(async (tx) => {
    await assertComponentsOf(tx, page.id, components);
    await tx
      .deleteFrom("status_subscribers")
      .where("page_id", "=", page.id)
      .where("confirmed_at", "is", null)
      .where("expires_at", "<", now)
      .execute();
    const existing = await tx
      .selectFrom("status_subscribers")
      .select(["id", "confirmed_at"])
      .where("page_id", "=", page.id)
      .where("email", "=", email)
      .forUpdate()
      .executeTakeFirst();
    if (existing?.confirmed_at) return false;
    const pending = {
      component_ids: JSON.stringify(components),
      confirm_token_hash: hashToken(token),
      expires_at: new Date(now.getTime() + SUBSCRIPTION_LIMITS.confirmWithinMs),
    };
    const id = existing?.id ?? newId("sub", now.getTime());
    if (existing) {
      await tx.updateTable("status_subscribers").set(pending).where("id", "=", id).execute();
    } else {
      await assertRoom(tx, page.id);
      const inserted = await tx
        .insertInto("status_subscribers")
        .values({
          id,
          organization_id: page.organization_id,
          page_id: page.id,
          email,
          created_at: now,
          ...pending,
        })
        // A concurrent request for the same address won: it sends the one link.
        .onConflict((oc) => oc.columns(["page_id", "email"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    }
    await audit(tx, ctx, {
      action: "status_subscriber.request",
      target: { type: "status_subscriber", id },
      summary: { pageId: page.id, components: components.length },
    });
    return true;
  });
  if (!send) return;
  const mail = confirmationMail(page.title, confirmUrl(rt, page.slug, token));
  // After the answer: a mail server's latency must not tell a new address from a known one.
  setImmediate(() => {
    rt.mailer
      .send({ to: email, ...mail, headers: { "Auto-Submitted": "auto-generated" } })
      .catch((err: unknown) =>
        rt.log.error(
          { category: "mail", err, kind: "status-subscription-confirm" },
          "mail could not be sent",
        ),
      );
  });
}

async function assertComponentsOf(tx: Db, pageId: string, components: string[]): Promise<void> {
  if (components.length === 0) return;
  const found = await tx
    .selectFrom("status_page_components")
    .select("monitor_id")
    .where("page_id", "=", pageId)
    .where("monitor_id", "in", components)
    .execute();
  const known = new Set(found.map((f) => f.monitor_id));
  const errors = components.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `body.components.${i}`, message: "is not a component of this page" }],
  );
  if (errors.length > 0) throw new AppError("VALIDATION", "Unknown components", { errors });
}

async function assertRoom(tx: Db, pageId: string): Promise<void> {
  const count = await tx
    .selectFrom("status_subscribers")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("page_id", "=", pageId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= SUBSCRIPTION_LIMITS.subscribersPerPage) {
    throw new AppError("LIMIT_EXCEEDED", "This page has reached its limit of subscribers");
  }
}

/**
 * Confirms a subscription with the token its mail carried: single use, within 48 hours, for this
 * page only. Returns false for anything else (unknown, used, expired or tampered tokens alike).
 */
export async function confirmSubscription(rt: Runtime, slug: string, token: string): Promise<boolean> {
  const page = await publicPageBySlug(rt.db, slug);
  const now = new Date(rt.clock.now());
  return rt.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable("status_subscribers")
      .set({ confirmed_at: now, confirm_token_hash: null, expires_at: null })
      .where("page_id", "=", page.id)
      .where("confirm_token_hash", "=", hashToken(token))
      .where("confirmed_at", "is", null)
      .where("expires_at", ">", now)
      .returning("id")
      .executeTakeFirst();
    if (!row) return false;
    await audit(tx, systemCtx(rt, page.organization_id), {
      action: "status_subscriber.confirm",
      target: { type: "status_subscriber", id: row.id },
      summary: { pageId: page.id },
    });
    return true;
  });
}

/**
 * Ends a subscription from the signed link in a notice (RFC 8058 one-click POST or the button of
 * the GET page). A well-signed token of a subscriber already gone succeeds too; false means the
 * token was tampered with.
 */
export async function unsubscribe(rt: Runtime, token: string): Promise<boolean> {
  const id = readUnsubscribeToken(rt.keys.links, token);
  if (!id) return false;
  await rt.db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom("status_subscribers")
      .where("id", "=", id)
      .returning(["organization_id", "page_id"])
      .executeTakeFirst();
    if (!row) return;
    await audit(tx, systemCtx(rt, row.organization_id), {
      action: "status_subscriber.unsubscribe",
      target: { type: "status_subscriber", id },
      summary: { pageId: row.page_id },
    });
  });
  return true;
}
