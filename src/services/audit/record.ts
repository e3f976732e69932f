import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { Ctx, UserCtx } from "../context.ts";

export interface AuditEntry {
  /** `<object>.<verb>`, e.g. `monitor.create`, `member.role_change`, `user.password_change`. */
  action: string;
  target?: { type: string; id: string };
  /** What changed, without secrets: field names and new values, or `{ from, to }` pairs. */
  summary?: Record<string, unknown>;
  /** For a person's own action that concerns an organization (setup, accepting an invitation). */
  organizationId?: string;
}

/**
 * Writes one audit row. Call it with the transaction of the change it describes, so the change
 * and its record commit together or not at all.
 */
export async function audit(db: Db, ctx: Ctx | UserCtx, entry: AuditEntry): Promise<void> {
  const actor = actorOf(ctx);
  await db
    .insertInto("audit_log")
    .values({
      id: newId("aud"),
      organization_id: entry.organizationId ?? ("organizationId" in ctx ? ctx.organizationId : null),
      at: new Date(ctx.clock.now()),
      actor_type: actor.type,
      actor_id: actor.id,
      actor_label: actor.label,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      ip: ctx.origin?.ip ?? null,
      user_agent: ctx.origin?.userAgent?.slice(0, 300) ?? null,
      summary: JSON.stringify(entry.summary ?? {}),
    })
    .execute();
}

function actorOf(ctx: Ctx | UserCtx): {
  type: "user" | "api_key" | "system";
  id: string | null;
  label: string | null;
} {
  if ("user" in ctx) return { type: "user", id: ctx.user.id, label: ctx.user.email };
  const a = ctx.actor;
  if (a.kind === "user") return { type: "user", id: a.userId, label: a.email };
  if (a.kind === "apiKey") return { type: "api_key", id: a.keyId, label: a.label };
  return { type: "system", id: null, label: "system" };
}
