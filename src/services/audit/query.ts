import type { Ctx } from "../context.ts";
import { type Page, toPage } from "../page.ts";

export interface AuditFilter {
  /** A user id or API key id. */
  actorId?: string;
  /** An exact action (`monitor.update`), or a prefix ending in a dot (`monitor.`). */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Entries at or after this time. */
  from?: Date;
  /** Entries before this time. */
  to?: Date;
}

export interface AuditEntryView {
  id: string;
  at: Date;
  actor: { type: "user" | "api_key" | "system"; id: string | null; label: string | null };
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  summary: Record<string, unknown>;
}

/**
 * The caller's organization's audit entries, newest first, one keyset page at a time. Entries of
 * other organizations and of people's own accounts (no organization) are never listed.
 */
export async function listAuditLog(
  ctx: Ctx,
  filter: AuditFilter,
  page: { cursor?: string; limit: number },
): Promise<Page<AuditEntryView>> {
  let query = ctx.db.selectFrom("audit_log").selectAll().where("organization_id", "=", ctx.organizationId);
  if (filter.actorId) query = query.where("actor_id", "=", filter.actorId);
  if (filter.action?.endsWith(".")) query = query.where("action", "like", `${escapeLike(filter.action)}%`);
  else if (filter.action) query = query.where("action", "=", filter.action);
  if (filter.targetType) query = query.where("target_type", "=", filter.targetType);
  if (filter.targetId) query = query.where("target_id", "=", filter.targetId);
  if (filter.from) query = query.where("at", ">=", filter.from);
  if (filter.to) query = query.where("at", "<", filter.to);
  if (page.cursor) query = query.where("id", "<", page.cursor);
  const rows = await query
    .orderBy("id", "desc")
    .limit(page.limit + 1)
    .execute();
  return toPage(
    rows,
    page.limit,
    (row) => ({
      id: row.id,
      at: row.at,
      actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
      action: row.action,
      target: row.target_type && row.target_id ? { type: row.target_type, id: row.target_id } : null,
      ip: row.ip,
      userAgent: row.user_agent,
      summary: row.summary,
    }),
    (row) => row.id,
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
