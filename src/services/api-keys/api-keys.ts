import { isScope, keyPermissions, type Role, type Scope } from "../../domain/permissions.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { generateApiKey } from "../auth/api-key-format.ts";
import { hashToken } from "../auth/secrets.ts";
import type { Ctx } from "../context.ts";
import { type Page, toPage } from "../page.ts";
import { type ApiKeyView, keyStatus, selectKeyViews, toKeyView } from "./view.ts";

export type { ApiKeyView } from "./view.ts";

interface KeyInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
}

/** Only a person makes a key: a key cannot mint keys, so it cannot outlive its own revocation. */
function creatorOf(ctx: Ctx): { id: string; email: string; role: Role } {
  const actor = ctx.actor;
  if (actor.kind !== "user")
    throw new AppError("FORBIDDEN", "API keys are made by people, not by other keys");
  return { id: actor.userId, email: actor.email, role: actor.role };
}

/**
 * Scopes beyond the creator's role are refused, not silently dropped: the caller would otherwise
 * hold a key weaker than it believes.
 */
function assertGrantable(role: Role, scopes: readonly string[]): void {
  const allowed = keyPermissions(scopes, role);
  const beyond = scopes.filter((s) => !allowed.has(s as Scope));
  if (beyond.length === 0) return;
  throw new AppError("FORBIDDEN", `Your role cannot grant: ${beyond.join(", ")}`, {
    errors: beyond.map((s) => ({ path: "body.scopes", message: `${s} is beyond your role` })),
  });
}

/** Inserts a key row; the token leaves this function once and only its hash is stored. */
async function insertKey(
  tx: Db,
  ctx: Ctx,
  creator: { id: string; email: string },
  input: KeyInput,
): Promise<{ key: ApiKeyView; token: string }> {
  const { token, lookup } = generateApiKey();
  const id = newId("key", ctx.clock.now());
  const now = new Date(ctx.clock.now());
  const scopes = [...new Set(input.scopes)].sort();
  const expiresAt = input.expiresAt ?? null;
  await tx
    .insertInto("api_keys")
    .values({
      id,
      organization_id: ctx.organizationId,
      created_by: creator.id,
      name: input.name,
      lookup,
      secret_hash: hashToken(token),
      scopes,
      expires_at: expiresAt,
      created_at: now,
    })
    .execute();
  const key = {
    id,
    name: input.name,
    prefix: lookup,
    scopes,
    createdBy: { id: creator.id, email: creator.email },
    createdAt: now,
    expiresAt,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
  };
  return { token, key: { ...key, status: keyStatus(key, now.getTime()) } };
}

/**
 * Creates a key in the caller's organization. The token is returned once, here; only its lookup
 * prefix and hash are stored. Scopes beyond the creator's role are refused, not silently dropped.
 */
export async function createApiKey(
  ctx: Ctx,
  input: { name: string; scopes: Scope[]; expiresAt?: Date },
): Promise<{ key: ApiKeyView; token: string }> {
  const creator = creatorOf(ctx);
  assertGrantable(creator.role, input.scopes);
  if (input.expiresAt && input.expiresAt.getTime() <= ctx.clock.now()) {
    throw new AppError("VALIDATION", "expiresAt must be in the future", {
      errors: [{ path: "body.expiresAt", message: "must be in the future" }],
    });
  }
  return ctx.db.transaction().execute(async (tx) => {
    const made = await insertKey(tx, ctx, creator, input);
    await audit(tx, ctx, {
      action: "api_key.create",
      target: { type: "api_key", id: made.key.id },
      summary: {
        name: made.key.name,
        prefix: made.key.prefix,
        scopes: made.key.scopes,
        expiresAt: made.key.expiresAt?.toISOString() ?? null,
      },
    });
    return made;
  });
}

/** The organization's keys, newest first, one keyset page at a time. */
export async function listApiKeys(
  ctx: Ctx,
  page: { cursor?: string; limit: number },
): Promise<Page<ApiKeyView>> {
  let query = selectKeyViews(ctx.db, ctx.organizationId);
  if (page.cursor) query = query.where("k.id", "<", page.cursor);
  const rows = await query
    .orderBy("k.id", "desc")
    .limit(page.limit + 1)
    .execute();
  const now = ctx.clock.now();
  return toPage(
    rows,
    page.limit,
    (row) => toKeyView(row, now),
    (row) => row.id,
  );
}

export async function getApiKey(ctx: Ctx, id: string): Promise<ApiKeyView> {
  const row = await selectKeyViews(ctx.db, ctx.organizationId).where("k.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("API key", id);
  return toKeyView(row, ctx.clock.now());
}

/**
 * Revoked keys fail on their very next request; the row stays for the audit trail. Revoking a
 * revoked key changes nothing and writes no second audit row.
 */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<ApiKeyView> {
  await ctx.db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable("api_keys")
      .set({ revoked_at: new Date(ctx.clock.now()) })
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0) {
      await audit(tx, ctx, { action: "api_key.revoke", target: { type: "api_key", id } });
    }
  });
  return getApiKey(ctx, id);
}

/**
 * Replaces a key with a new token of the same name, scopes and expiry, made by the caller. The
 * old token stops working in the same transaction that creates the new one, so two concurrent
 * rotations cannot both succeed. Revoked and expired keys are not rotated: make a new key.
 */
export async function rotateApiKey(ctx: Ctx, id: string): Promise<{ key: ApiKeyView; token: string }> {
  const creator = creatorOf(ctx);
  const now = new Date(ctx.clock.now());
  return ctx.db.transaction().execute(async (tx) => {
    const old = await tx
      .updateTable("api_keys")
      .set({ revoked_at: now })
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .returning(["name", "scopes", "expires_at"])
      .executeTakeFirst();
    if (!old) {
      const current = await getApiKey({ ...ctx, db: tx }, id);
      throw new AppError("CONFLICT", `This key is ${current.status}; create a new key instead`);
    }
    // A scope withdrawn since the key was made (heartbeats:write, until heartbeats exist) is dropped.
    const scopes = old.scopes.filter(isScope);
    assertGrantable(creator.role, scopes);
    const made = await insertKey(tx, ctx, creator, {
      name: old.name,
      scopes,
      expiresAt: old.expires_at,
    });
    await audit(tx, ctx, {
      action: "api_key.rotate",
      target: { type: "api_key", id },
      summary: { newKeyId: made.key.id, newPrefix: made.key.prefix },
    });
    return made;
  });
}
