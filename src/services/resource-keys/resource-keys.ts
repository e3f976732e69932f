import { NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";

/**
 * Resource keys (docs/config-as-code.md#keys): a configuration file's stable name for one of an
 * organization's monitors, channels, alert rules, maintenance windows or status pages. `apply`
 * finds a declared resource by its key, whatever its id; `--prune` deletes only keyed resources.
 */
export const KEYED_KINDS = ["monitor", "channel", "alert-rule", "maintenance-window", "status-page"] as const;
export type KeyedKind = (typeof KEYED_KINDS)[number];

/** The table that holds each kind's resources (all have `id` and `organization_id`). */
const TABLE = {
  monitor: "monitors",
  channel: "notification_channels",
  "alert-rule": "alert_rules",
  "maintenance-window": "maintenance_windows",
  "status-page": "status_pages",
} as const satisfies Record<KeyedKind, string>;

/** Longest key; keys are lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export interface ResourceKey {
  key: string;
  id: string;
}

/** True when the organization has a resource of this kind with this id. */
export async function resourceExists(db: Db, ctx: Ctx, kind: KeyedKind, id: string): Promise<boolean> {
  const found = await db
    .selectFrom(TABLE[kind] as "monitors")
    .select("id")
    .where("id", "=", id)
    .where("organization_id", "=", ctx.organizationId)
    .executeTakeFirst();
  return found !== undefined;
}

/** Every key of one kind whose resource still exists, by key. */
export async function listKeys(ctx: Ctx, kind: KeyedKind): Promise<ResourceKey[]> {
  const rows = await ctx.db
    .selectFrom("resource_keys")
    .select(["key", "resource_id"])
    .where("organization_id", "=", ctx.organizationId)
    .where("kind", "=", kind)
    .orderBy("key")
    .execute();
  if (rows.length === 0) return [];
  const alive = new Set(
    (
      await ctx.db
        .selectFrom(TABLE[kind] as "monitors")
        .select("id")
        .where("organization_id", "=", ctx.organizationId)
        .where(
          "id",
          "in",
          rows.map((r) => r.resource_id),
        )
        .execute()
    ).map((r) => r.id),
  );
  return rows.filter((r) => alive.has(r.resource_id)).map((r) => ({ key: r.key, id: r.resource_id }));
}

/**
 * Gives a resource a key. The key moves to this resource if another (or a deleted one) had it;
 * a resource's previous key is dropped, so each has at most one. 404 when the resource is not
 * the organization's.
 */
export async function setKey(
  ctx: Ctx,
  kind: KeyedKind,
  key: string,
  resourceId: string,
): Promise<ResourceKey> {
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await resourceExists(tx, ctx, kind, resourceId)))
      throw new NotFoundError(kind.replace("-", " "), resourceId);
    const current = await tx
      .selectFrom("resource_keys")
      .select("resource_id")
      .where("organization_id", "=", ctx.organizationId)
      .where("kind", "=", kind)
      .where("key", "=", key)
      .executeTakeFirst();
    if (current?.resource_id === resourceId) return { key, id: resourceId };
    await tx
      .deleteFrom("resource_keys")
      .where("organization_id", "=", ctx.organizationId)
      .where("kind", "=", kind)
      .where((eb) => eb.or([eb("key", "=", key), eb("resource_id", "=", resourceId)]))
      .execute();
    await tx
      .insertInto("resource_keys")
      .values({
        organization_id: ctx.organizationId,
        kind,
        key,
        resource_id: resourceId,
        created_at: new Date(ctx.clock.now()),
      })
      .execute();
    await audit(tx, ctx, {
      action: "resource_key.set",
      target: { type: kind.replace("-", "_"), id: resourceId },
      summary: { key, previous: current?.resource_id ?? null },
    });
    return { key, id: resourceId };
  });
}

/** Removes a key (the resource stays); 404 when no resource of the organization has it. */
export async function deleteKey(ctx: Ctx, kind: KeyedKind, key: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom("resource_keys")
      .where("organization_id", "=", ctx.organizationId)
      .where("kind", "=", kind)
      .where("key", "=", key)
      .returning("resource_id")
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`${kind.replace("-", " ")} key`, key);
    await audit(tx, ctx, {
      action: "resource_key.delete",
      target: { type: kind.replace("-", "_"), id: row.resource_id },
      summary: { key },
    });
  });
}
