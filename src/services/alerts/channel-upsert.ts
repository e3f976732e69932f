import type { Ctx } from "../context.ts";
import { upsertByKey } from "../resource-keys/upsert.ts";
import { type ChannelInput, type ChannelView, changeChannel, insertChannel } from "./channels.ts";

/** What the edge checks and hands in, once it knows whether the key names a channel. */
export interface ChannelUpsert {
  /** A new channel: its settings checked as on create (with any secrets generated for it). */
  create: () => Promise<ChannelInput>;
  /** The replacement of an existing channel; its secrets are only those the request sent. */
  replace: () => Promise<ChannelInput>;
  /** Checks the settings the replaced channel ends with (stored secrets included). */
  validate: (config: Record<string, unknown>, secrets: Record<string, unknown>) => void;
}

/**
 * `PUT /channels/by-key/{key}`: creates the channel and gives it the key when the key names none,
 * else replaces the channel it names, in one transaction. Secrets stay write-only: those sent
 * replace the stored ones, those left out are kept. The kind of a channel cannot change.
 */
export async function upsertChannelByKey(
  ctx: Ctx,
  key: string,
  steps: ChannelUpsert,
): Promise<{ created: boolean; channel: ChannelView }> {
  const done = await upsertByKey(ctx, "channel", key, {
    create: async (tx, id) => insertChannel(tx, ctx, id, await steps.create()),
    update: async (tx, id) => changeChannel(tx, ctx, id, await steps.replace(), steps.validate),
  });
  return { created: done.created, channel: done.value };
}
