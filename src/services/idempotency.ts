import type { Db } from "../storage/db.ts";

/** Status code stored while the first request with a key is still running. */
const IN_PROGRESS = 0;

export type IdempotencyClaim =
  | { kind: "new" }
  | { kind: "replay"; statusCode: number; response: unknown }
  | { kind: "mismatch" }
  | { kind: "in-progress" };

/**
 * Claims an Idempotency-Key for a request. The first claim wins a placeholder row; later ones
 * replay the stored response (same request) or are refused (another request, or still running).
 */
export async function claimIdempotencyKey(
  db: Db,
  organizationId: string,
  key: string,
  requestHash: string,
  now: Date,
): Promise<IdempotencyClaim> {
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({
      organization_id: organizationId,
      key,
      request_hash: requestHash,
      status_code: IN_PROGRESS,
      response: "null",
      created_at: now,
    })
    .onConflict((oc) => oc.columns(["organization_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  if (inserted) return { kind: "new" };
  const row = await db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  if (row.request_hash !== requestHash) return { kind: "mismatch" };
  if (row.status_code === IN_PROGRESS) return { kind: "in-progress" };
  return { kind: "replay", statusCode: row.status_code, response: row.response };
}

/** Stores the response of a claimed key; a failed (5xx) request releases the key instead. */
export async function completeIdempotencyKey(
  db: Db,
  organizationId: string,
  key: string,
  statusCode: number,
  response: unknown,
): Promise<void> {
  const where = db
    .updateTable("idempotency_keys")
    .where("organization_id", "=", organizationId)
    .where("key", "=", key);
  if (statusCode >= 500) {
    await db
      .deleteFrom("idempotency_keys")
      .where("organization_id", "=", organizationId)
      .where("key", "=", key)
      .execute();
    return;
  }
  await where.set({ status_code: statusCode, response: JSON.stringify(response) }).execute();
}
