import { AppError, type FieldIssue, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { StatusPagesTable } from "../../storage/schema-status-pages.ts";
import { audit } from "../audit/record.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { Ctx } from "../context.ts";
import { reserveOrgSlot } from "../org-limits.ts";
import { colorProblems, DEFAULT_COLORS, type PageColors } from "./colors.ts";
import { loadGroups, replaceGroups } from "./groups.ts";
import { slugProblem } from "./slugs.ts";
import {
  type CreatePageInput,
  type HistoryDays,
  STATUS_PAGE_LIMITS,
  type StatusPage,
  type UpdatePageInput,
  type Visibility,
} from "./types.ts";

type Row = Omit<
  StatusPagesTable,
  "colors" | "footer_links" | "created_at" | "updated_at" | "auto_publish"
> & {
  auto_publish: boolean;
  colors: PageColors;
  footer_links: StatusPage["footerLinks"];
  created_at: Date;
  updated_at: Date;
};

function view(row: Row, groups: StatusPage["groups"]): StatusPage {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    logoUrl: row.logo_url,
    faviconUrl: row.favicon_url,
    colors: row.colors,
    footerText: row.footer_text,
    footerLinks: row.footer_links,
    historyDays: row.history_days as HistoryDays,
    visibility: row.visibility,
    autoPublish: row.auto_publish,
    hasPassword: row.password_hash !== null,
    groups,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The fields the audit log records: settings, never the password. */
function auditSummary(input: CreatePageInput | UpdatePageInput): Record<string, unknown> {
  const { password, groups, ...settings } = input;
  return {
    ...settings,
    ...(password !== undefined ? { passwordChanged: true } : {}),
    ...(groups ? { components: groups.reduce((n, g) => n + g.components.length, 0) } : {}),
  };
}

function slugTaken(): AppError {
  return new AppError("CONFLICT", "Another status page uses this slug", {
    errors: [{ path: "body.slug", message: "is taken" }],
  });
}

/** A unique-key violation on status_pages.slug (two creations racing for one slug). */
function isSlugViolation(err: unknown): boolean {
  return (err as { code?: unknown }).code === "23505";
}

/**
 * Settings problems that need no database: slug form, colour contrast, and the password rule
 * (required for a `password` page that has none yet, refused for other visibilities).
 */
function settingsProblems(
  input: UpdatePageInput,
  next: { visibility: Visibility; colors: PageColors; hadPassword: boolean },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (input.slug !== undefined) {
    const problem = slugProblem(input.slug);
    if (problem) issues.push({ path: "body.slug", message: problem });
  }
  if (input.colors) issues.push(...colorProblems(next.colors));
  if (next.visibility === "password" && input.password === undefined && !next.hadPassword) {
    issues.push({ path: "body.password", message: "is required for a password-protected page" });
  }
  if (next.visibility !== "password" && input.password !== undefined) {
    issues.push({ path: "body.password", message: "is only for visibility `password`" });
  }
  return issues;
}

function mergeColors(base: PageColors, input: Partial<PageColors> | undefined): PageColors {
  return { light: input?.light ?? base.light, dark: input?.dark ?? base.dark };
}

/**
 * Creates a page with its groups, within the organization's limit of pages. The slug must be
 * free across every organization. Audited with its settings (never the password).
 */
export async function createStatusPage(ctx: Ctx, input: CreatePageInput): Promise<StatusPage> {
  checkNewPage(input);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const id = newId("page", ctx.clock.now());
  try {
    return await ctx.db.transaction().execute((tx) => insertStatusPage(tx, ctx, id, input, passwordHash));
  } catch (err) {
    throw slugTakenOr(err);
  }
}

/** The checks of a new page that need no database. */
function checkNewPage(input: CreatePageInput): void {
  const colors = mergeColors(DEFAULT_COLORS, input.colors);
  const problems = settingsProblems(input, { visibility: input.visibility, colors, hadPassword: false });
  if (problems.length > 0)
    throw new AppError("VALIDATION", "The page is not acceptable", { errors: problems });
}

/**
 * `createStatusPage` inside the caller's transaction, with the id chosen (an upsert by key claims
 * it first) and the password already hashed (slow: kept out of the transaction by the caller).
 */
export async function insertStatusPage(
  tx: Db,
  ctx: Ctx,
  id: string,
  input: CreatePageInput,
  passwordHash: string | null,
): Promise<StatusPage> {
  checkNewPage(input);
  const now = ctx.clock.now();
  await reserveOrgSlot(tx, ctx.organizationId, {
    table: "status_pages",
    max: STATUS_PAGE_LIMITS.pagesPerOrg,
    what: "status pages",
  });
  if (await slugInUse(tx, input.slug)) throw slugTaken();
  await tx
    .insertInto("status_pages")
    .values({
      id,
      organization_id: ctx.organizationId,
      slug: input.slug,
      title: input.title,
      description: input.description,
      logo_url: input.logoUrl,
      favicon_url: input.faviconUrl,
      colors: JSON.stringify(mergeColors(DEFAULT_COLORS, input.colors)),
      footer_text: input.footerText,
      footer_links: JSON.stringify(input.footerLinks),
      history_days: input.historyDays,
      visibility: input.visibility,
      password_hash: passwordHash,
      auto_publish: input.autoPublish,
      created_at: new Date(now),
      updated_at: new Date(now),
    })
    .execute();
  await replaceGroups(tx, ctx, id, input.groups);
  await audit(tx, ctx, {
    action: "status_page.create",
    target: { type: "status_page", id },
    summary: auditSummary(input),
  });
  return requirePage(tx, ctx, id);
}

/** A slug unique-key violation (two writes racing for one slug) as the CONFLICT it means. */
export function slugTakenOr(err: unknown): unknown {
  return isSlugViolation(err) ? slugTaken() : err;
}

/**
 * Changes a page: absent fields keep their value, `groups` replaces every group and component.
 * Leaving visibility `password` forgets the password; a new password replaces it (and ends every
 * visitor's access cookie, which is bound to the hash).
 */
export async function updateStatusPage(ctx: Ctx, id: string, input: UpdatePageInput): Promise<StatusPage> {
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  try {
    return await ctx.db.transaction().execute((tx) => changeStatusPage(tx, ctx, id, input, passwordHash));
  } catch (err) {
    throw slugTakenOr(err);
  }
}

/**
 * `updateStatusPage` inside the caller's transaction, the new password (if any) already hashed.
 * With `replace` (an upsert by key sends a whole page), colours left out return to the defaults
 * instead of keeping the stored ones.
 */
export async function changeStatusPage(
  tx: Db,
  ctx: Ctx,
  id: string,
  input: UpdatePageInput,
  passwordHash: string | undefined,
  replace = false,
): Promise<StatusPage> {
  const current = await lockPage(tx, ctx, id);
  const visibility = input.visibility ?? current.visibility;
  const colors = mergeColors(replace ? DEFAULT_COLORS : current.colors, input.colors);
  const problems = settingsProblems(input, {
    visibility,
    colors,
    hadPassword: current.password_hash !== null,
  });
  if (problems.length > 0) {
    throw new AppError("VALIDATION", "The page is not acceptable", { errors: problems });
  }
  if (input.slug !== undefined && input.slug !== current.slug && (await slugInUse(tx, input.slug))) {
    throw slugTaken();
  }
  await tx
    .updateTable("status_pages")
    .set({
      slug: input.slug,
      title: input.title,
      description: input.description,
      logo_url: input.logoUrl,
      favicon_url: input.faviconUrl,
      colors: JSON.stringify(colors),
      footer_text: input.footerText,
      footer_links: input.footerLinks ? JSON.stringify(input.footerLinks) : undefined,
      history_days: input.historyDays,
      visibility,
      password_hash: visibility === "password" ? (passwordHash ?? current.password_hash) : null,
      auto_publish: input.autoPublish,
      updated_at: new Date(ctx.clock.now()),
    })
    .where("id", "=", id)
    .execute();
  if (input.groups) await replaceGroups(tx, ctx, id, input.groups);
  await audit(tx, ctx, {
    action: "status_page.update",
    target: { type: "status_page", id },
    summary: auditSummary(input),
  });
  return requirePage(tx, ctx, id);
}

/** The stored password hash of the organization's page, for an upsert to tell a repeated password. */
export async function storedPasswordHash(tx: Db, ctx: Ctx, id: string): Promise<string | null> {
  return (await lockPage(tx, ctx, id)).password_hash;
}

/** Deletes a page with its groups and components; the monitors stay. Returns the old slug. */
export async function deleteStatusPage(ctx: Ctx, id: string): Promise<{ slug: string }> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await lockPage(tx, ctx, id);
    await tx.deleteFrom("status_pages").where("id", "=", id).execute();
    await audit(tx, ctx, {
      action: "status_page.delete",
      target: { type: "status_page", id },
      summary: { slug: current.slug, title: current.title },
    });
    return { slug: current.slug };
  });
}

export async function getStatusPage(ctx: Ctx, id: string): Promise<StatusPage> {
  return requirePage(ctx.db, ctx, id);
}

/** Every page of the organization (at most the per-organization limit), oldest first. */
export async function listStatusPages(ctx: Ctx): Promise<StatusPage[]> {
  const rows = await ctx.db
    .selectFrom("status_pages")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id")
    .execute();
  const groups = await loadGroups(
    ctx.db,
    ctx.organizationId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => view(r, groups.get(r.id) ?? []));
}

async function requirePage(db: Db, ctx: Ctx, id: string): Promise<StatusPage> {
  const row = await db
    .selectFrom("status_pages")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("status page", id);
  const groups = await loadGroups(db, ctx.organizationId, [id]);
  return view(row, groups.get(id) ?? []);
}

/** Locks the organization's page for the rest of the transaction; another organization's is not found. */
async function lockPage(tx: Db, ctx: Ctx, id: string): Promise<Row> {
  const row = await tx
    .selectFrom("status_pages")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError("status page", id);
  return row;
}

async function slugInUse(tx: Db, slug: string): Promise<boolean> {
  const row = await tx.selectFrom("status_pages").select("id").where("slug", "=", slug).executeTakeFirst();
  return row !== undefined;
}
