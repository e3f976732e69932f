import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { type KeyedKind, resourceExists } from "./resource-keys.ts";

/** Id prefixes of the kinds an upsert can create. */
const PREFIX = {
  monitor: "mon",
  channel: "chn",
  "alert-rule": "rul",
  "maintenance-window": "mnt",
  "status-page": "page",
} as const satisfies Record<KeyedKind, string>;

export interface UpsertSteps<T> {
  /** Creates the resource with this id, inside the transaction. */
  create: (tx: Db, id: string) => Promise<T>;
  /** Replaces the resource the key names, inside the transaction. */
  update: (tx: Db, id: string) => Promise<T>;
}

/**
 * Upsert by key (docs/config-as-code.md#upsert-by-key), in one transaction: an unbound key is
 * claimed by inserting its row first, so two requests with the same new key serialise on the
 * key's primary key — the second waits for the first to commit, then finds the key bound and
 * updates what the first created. A key whose resource was deleted counts as unbound.
 */
export async function upsertByKey<T>(
  ctx: Ctx,
  kind: KeyedKind,
  key: string,
  steps: UpsertSteps<T>,
): Promise<{ created: boolean; value: T }> {
  return ctx.db.transaction().execute(async (tx) => {
    const id = newId(PREFIX[kind], ctx.clock.now());
    for (;;) {
      const claimed = await tx
        .insertInto("resource_keys")
        .values({
          organization_id: ctx.organizationId,
          kind,
          key,
          resource_id: id,
          created_at: new Date(ctx.clock.now()),
        })
        .onConflict((oc) => oc.columns(["organization_id", "kind", "key"]).doNothing())
        .returning("key")
        .executeTakeFirst();
      if (claimed) {
        const value = await steps.create(tx, id);
        await audit(tx, ctx, {
          action: "resource_key.set",
          target: { type: kind.replace("-", "_"), id },
          summary: { key, previous: null },
        });
        return { created: true, value };
      }
      const bound = await tx
        .selectFrom("resource_keys")
        .select("resource_id")
        .where("organization_id", "=", ctx.organizationId)
        .where("kind", "=", kind)
        .where("key", "=", key)
        .forUpdate()
        .executeTakeFirst();
      if (!bound) continue; // removed meanwhile: claim it again
      if (await resourceExists(tx, ctx, kind, bound.resource_id)) {
        return { created: false, value: await steps.update(tx, bound.resource_id) };
      }
      // The key of a deleted resource: forget it and claim the key for a new one.
      await tx
        .deleteFrom("resource_keys")
        .where("organization_id", "=", ctx.organizationId)
        .where("kind", "=", kind)
        .where("key", "=", key)
        .execute();
    }
  });
}
