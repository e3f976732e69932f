import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Ctx } from "../context.ts";
import { upsertByKey } from "../resource-keys/upsert.ts";
import { changeStatusPage, insertStatusPage, slugTakenOr, storedPasswordHash } from "./pages.ts";
import type { CreatePageInput, StatusPage } from "./types.ts";

/**
 * `PUT /status-pages/by-key/{key}`: creates the page and gives it the key when the key names none,
 * else replaces the page it names (settings and groups), in one transaction. The password stays
 * write-only: left out, a password page keeps its own; sent again unchanged, the stored hash (and
 * so every visitor's access) is kept; a new one replaces it.
 */
export async function upsertStatusPageByKey(
  ctx: Ctx,
  key: string,
  input: CreatePageInput,
): Promise<{ created: boolean; page: StatusPage }> {
  // Hashing is slow: done before the transaction, and only used when the password is new.
  const fresh = input.password !== undefined ? await hashPassword(input.password) : undefined;
  try {
    const done = await upsertByKey(ctx, "status-page", key, {
      create: (tx, id) => insertStatusPage(tx, ctx, id, input, fresh ?? null),
      update: async (tx, id) => {
        let hash = fresh;
        if (input.password !== undefined) {
          const stored = await storedPasswordHash(tx, ctx, id);
          if (stored !== null && (await verifyPassword(stored, input.password))) hash = stored;
        }
        return changeStatusPage(tx, ctx, id, input, hash, true);
      },
    });
    return { created: done.created, page: done.value };
  } catch (err) {
    throw slugTakenOr(err);
  }
}
