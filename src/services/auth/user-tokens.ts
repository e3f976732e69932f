import type { Db } from "../../storage/db.ts";
import { hashToken } from "./secrets.ts";

/**
 * Stores a fresh single-use link token of `kind` for a person, replacing their unused ones of the
 * same kind (only the newest link works). Only the hash is kept; call it inside the change's
 * transaction.
 */
export async function replaceUserToken(
  tx: Db,
  t: {
    kind: "password_reset" | "email_change";
    userId: string;
    token: string;
    ttlMs: number;
    nowMs: number;
    payload?: Record<string, unknown>;
  },
): Promise<void> {
  await tx
    .deleteFrom("user_tokens")
    .where("user_id", "=", t.userId)
    .where("kind", "=", t.kind)
    .where("used_at", "is", null)
    .execute();
  await tx
    .insertInto("user_tokens")
    .values({
      token_hash: hashToken(t.token),
      kind: t.kind,
      user_id: t.userId,
      payload: t.payload ? JSON.stringify(t.payload) : undefined,
      created_at: new Date(t.nowMs),
      expires_at: new Date(t.nowMs + t.ttlMs),
    })
    .execute();
}
