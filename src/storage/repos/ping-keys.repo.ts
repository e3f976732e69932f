import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

/** The organization's ping key as stored (sealed) and when it was made; nulls when it has none. */
export async function findPingKey(db: Q, organizationId: string) {
  return db
    .selectFrom("organizations")
    .select(["ping_key_sealed", "ping_key_created_at"])
    .where("id", "=", organizationId)
    .executeTakeFirst();
}

/** Sets (or replaces) the organization's ping key: the old one stops working at once. */
export async function storePingKey(
  db: Q,
  organizationId: string,
  key: { hash: string; sealed: string; at: Date },
): Promise<void> {
  await db
    .updateTable("organizations")
    .set({ ping_key_hash: key.hash, ping_key_sealed: key.sealed, ping_key_created_at: key.at })
    .where("id", "=", organizationId)
    .execute();
}

/** The organization whose ping key has this SHA-256; undefined for none. */
export async function findOrganizationByPingKeyHash(db: Q, hash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("organizations")
    .select("id")
    .where("ping_key_hash", "=", hash)
    .executeTakeFirst();
  return row?.id;
}
