import { keyPermissions, type Scope } from "../../domain/permissions.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { audit } from "../audit/record.ts";
import { generateApiKey } from "../auth/api-key-format.ts";
import { hashToken } from "../auth/secrets.ts";
import type { Ctx } from "../context.ts";

export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the token, enough to recognise it in a list. */
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
}

/** Only a person can make a key, and only with scopes their own role grants. */
function creatorOf(ctx: Ctx): string {
  if (ctx.actor.kind !== "user")
    throw new AppError("FORBIDDEN", "API keys are made by people, not by other keys");
  return ctx.actor.userId;
}

/**
 * Creates a key in the caller's organization. The token is returned once, here; only its lookup
 * prefix and hash are stored. Scopes beyond the creator's role are refused, not silently dropped.
 */
export async function createApiKey(
  ctx: Ctx,
  input: { name: string; scopes: Scope[]; expiresAt?: Date },
): Promise<{ key: ApiKeyView; token: string }> {
  const createdBy = creatorOf(ctx);
  const role = ctx.actor.kind === "user" ? ctx.actor.role : null;
  const allowed = keyPermissions(input.scopes, role);
  const beyond = input.scopes.filter((s) => !allowed.has(s));
  if (beyond.length > 0) {
    throw new AppError("FORBIDDEN", `Your role cannot grant: ${beyond.join(", ")}`, {
      errors: beyond.map((s) => ({ path: "body.scopes", message: `${s} is beyond your role` })),
    });
  }
  if (input.expiresAt && input.expiresAt.getTime() <= ctx.clock.now()) {
    throw new AppError("VALIDATION", "expiresAt must be in the future", {
      errors: [{ path: "body.expiresAt", message: "must be in the future" }],
    });
  }
  const { token, lookup } = generateApiKey();
  const id = newId("key");
  const now = new Date(ctx.clock.now());
  const scopes = [...new Set(input.scopes)].sort();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("api_keys")
      .values({
        id,
        organization_id: ctx.organizationId,
        created_by: createdBy,
        name: input.name,
        lookup,
        secret_hash: hashToken(token),
        scopes,
        expires_at: input.expiresAt ?? null,
        created_at: now,
      })
      .execute();
    await audit(tx, ctx, {
      action: "api_key.create",
      target: { type: "api_key", id },
      summary: { name: input.name, scopes, expiresAt: input.expiresAt?.toISOString() ?? null },
    });
  });
  return {
    token,
    key: {
      id,
      name: input.name,
      prefix: lookup,
      scopes,
      createdBy,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: null,
    },
  };
}

export async function listApiKeys(ctx: Ctx): Promise<ApiKeyView[]> {
  const rows = await ctx.db
    .selectFrom("api_keys")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id", "desc")
    .limit(1000)
    .execute();
  return rows.map(toView);
}

export async function getApiKey(ctx: Ctx, id: string): Promise<ApiKeyView> {
  const row = await ctx.db
    .selectFrom("api_keys")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("API key", id);
  return toView(row);
}

/** Revoked keys fail on their next request; the row stays for the audit trail. */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable("api_keys")
      .set({ revoked_at: new Date(ctx.clock.now()) })
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new NotFoundError("API key", id);
    await audit(tx, ctx, { action: "api_key.revoke", target: { type: "api_key", id } });
  });
}

/** A new token with the same name, scopes and expiry; the old one stops working at once. */
export async function rotateApiKey(ctx: Ctx, id: string): Promise<{ key: ApiKeyView; token: string }> {
  const old = await getApiKey(ctx, id);
  if (old.revokedAt) throw new NotFoundError("API key", id);
  await revokeApiKey(ctx, id);
  return createApiKey(ctx, {
    name: old.name,
    scopes: old.scopes as Scope[],
    expiresAt: old.expiresAt && old.expiresAt.getTime() > ctx.clock.now() ? old.expiresAt : undefined,
  });
}

function toView(row: {
  id: string;
  name: string;
  lookup: string;
  scopes: string[];
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.lookup,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
  };
}
