import { isRole, keyPermissions } from "../../domain/permissions.ts";
import { AppError } from "../../lib/errors.ts";
import type { Actor, Runtime } from "../context.ts";
import { parseApiKey } from "./api-key-format.ts";
import { hashToken, sameHash } from "./secrets.ts";

/** `last_used_at` is written at most this often per key, not on every request. */
const LAST_USED_EVERY_MS = 60_000;

/**
 * Resolves an API key. Malformed keys and bad checksums are refused before any lookup. The key
 * acts in its own organization with its scopes cut down to its creator's current role there.
 */
export async function authenticateApiKey(
  rt: Runtime,
  token: string,
  ip: string,
): Promise<{ organizationId: string; actor: Actor & { kind: "apiKey" } }> {
  const parsed = parseApiKey(token);
  if (!parsed) throw new AppError("UNAUTHENTICATED", "The API key is malformed");
  const now = rt.clock.now();
  const row = await rt.db
    .selectFrom("api_keys as k")
    .leftJoin("memberships as m", (join) =>
      join.onRef("m.organization_id", "=", "k.organization_id").onRef("m.user_id", "=", "k.created_by"),
    )
    .select(["k.id", "k.organization_id", "k.created_by", "k.lookup", "k.secret_hash", "k.scopes"])
    .select(["k.expires_at", "k.revoked_at", "k.last_used_at", "m.role"])
    .where("k.lookup", "=", parsed.lookup)
    .executeTakeFirst();
  const valid =
    row &&
    sameHash(row.secret_hash, hashToken(token)) &&
    !row.revoked_at &&
    (!row.expires_at || row.expires_at.getTime() > now);
  if (!valid) throw new AppError("UNAUTHENTICATED", "The API key is not valid");
  const role = row.role && isRole(row.role) ? row.role : null;
  if (!role) throw new AppError("UNAUTHENTICATED", "The API key's creator has left the organization");
  if (!row.last_used_at || now - row.last_used_at.getTime() > LAST_USED_EVERY_MS) {
    await rt.db
      .updateTable("api_keys")
      .set({ last_used_at: new Date(now), last_used_ip: ip })
      .where("id", "=", row.id)
      .execute();
  }
  return {
    organizationId: row.organization_id,
    actor: {
      kind: "apiKey",
      keyId: row.id,
      label: row.lookup,
      createdBy: row.created_by,
      permissions: keyPermissions(row.scopes, role),
    },
  };
}
