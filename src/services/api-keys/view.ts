import type { Db } from "../../storage/db.ts";

export type ApiKeyStatus = "active" | "expired" | "revoked";

/** A key as lists and answers show it: never the token, never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the token, enough to recognise it in a list. */
  prefix: string;
  scopes: string[];
  createdBy: { id: string; email: string };
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
  status: ApiKeyStatus;
}

/** Keys of one organization with their creator's email; the caller adds filters and order. */
export function selectKeyViews(db: Db, organizationId: string) {
  return db
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.created_by")
    .select(["k.id", "k.name", "k.lookup", "k.scopes", "k.created_by", "u.email as creator_email"])
    .select(["k.created_at", "k.expires_at", "k.last_used_at", "k.last_used_ip", "k.revoked_at"])
    .where("k.organization_id", "=", organizationId);
}

type KeyViewRow = Awaited<ReturnType<ReturnType<typeof selectKeyViews>["executeTakeFirstOrThrow"]>>;

/** Revocation wins over expiry: a revoked key stays revoked whatever its date. */
export function keyStatus(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now: number,
): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now) return "expired";
  return "active";
}

export function toKeyView(row: KeyViewRow, now: number): ApiKeyView {
  const view = {
    id: row.id,
    name: row.name,
    prefix: row.lookup,
    scopes: row.scopes,
    createdBy: { id: row.created_by, email: row.creator_email },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
  };
  return { ...view, status: keyStatus(view, now) };
}
