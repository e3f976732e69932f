import { AppError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { deleteMonitorWithHistory, updateMonitorRow } from "../../storage/repos/monitors.repo.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { announce, emptyAnnouncements } from "../state/write-transition.ts";
import { pauseInTransaction } from "./update.ts";

export type BulkAction =
  | { type: "pause" }
  | { type: "resume" }
  | { type: "delete" }
  | { type: "addTags"; tags: string[] }
  | { type: "removeTags"; tags: string[] }
  | { type: "addChannels"; channelIds: string[] }
  | { type: "removeChannels"; channelIds: string[] };

export interface BulkOutcome {
  /** Monitors the action changed, in id order. */
  changed: string[];
  /** Monitors already as asked (e.g. already paused, already tagged), in id order. */
  unchanged: string[];
}

/**
 * Applies one action to many monitors of the caller's organization in ONE transaction: all of
 * them or none. Every monitor is locked first, in id order (two bulk changes cannot deadlock); an
 * id that is not a monitor of this organization (another organization's or nobody's, told apart by
 * nothing) refuses the whole change, as does an unknown channel or a monitor that would get too
 * many tags. Each changed monitor gets its own audit row, with the action it would get alone.
 */
export async function bulkChangeMonitors(
  ctx: Ctx,
  ids: string[],
  action: BulkAction,
  limits: { tags: number },
): Promise<BulkOutcome> {
  const unique = [...new Set(ids)].sort();
  const out = emptyAnnouncements();
  const outcome: BulkOutcome = { changed: [], unchanged: [] };
  await ctx.db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom("monitors")
      .selectAll()
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "in", unique)
      .orderBy("id")
      .forUpdate()
      .execute();
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.flatMap((id, i) => (found.has(id) ? [] : [{ id, i }]));
    if (missing.length > 0) {
      throw new AppError("NOT_FOUND", `No monitor ${missing[0]!.id} in this organization`, {
        errors: missing.map(({ id, i }) => ({
          path: `body.ids.${i}`,
          message: `no monitor ${id} in this organization`,
        })),
      });
    }
    const note = (id: string, changed: boolean) => (changed ? outcome.changed : outcome.unchanged).push(id);
    switch (action.type) {
      case "pause":
      case "resume":
        for (const id of unique)
          note(id, (await pauseInTransaction(tx, ctx, id, action.type === "pause", out)) === "changed");
        return;
      case "delete":
        for (const id of unique) {
          const row = found.get(id)!;
          await deleteMonitorWithHistory(tx, ctx.organizationId, id);
          await audit(tx, ctx, {
            action: "monitor.delete",
            target: { type: "monitor", id },
            summary: { name: row.name, type: row.type },
          });
          note(id, true);
        }
        return;
      case "addTags":
      case "removeTags":
        for (const id of unique) {
          const row = found.get(id)!;
          const tags =
            action.type === "addTags"
              ? [...row.tags, ...action.tags.filter((t) => !row.tags.includes(t))]
              : row.tags.filter((t) => !action.tags.includes(t));
          if (tags.length > limits.tags) {
            throw new AppError("VALIDATION", `${row.name} would have more than ${limits.tags} tags`, {
              errors: [
                {
                  path: "body.action.tags",
                  message: `monitor ${id} would have ${tags.length} tags (at most ${limits.tags})`,
                },
              ],
            });
          }
          const changed = tags.length !== row.tags.length;
          if (changed) await retag(tx, ctx, row.id, tags);
          note(id, changed);
        }
        return;
      case "addChannels":
      case "removeChannels":
        await changeChannels(tx, ctx, unique, action, note);
        return;
    }
  });
  await announce(ctx, out);
  return outcome;
}

async function retag(tx: Db, ctx: Ctx, id: string, tags: string[]): Promise<void> {
  // updateMonitorRow moves the revision: the scheduler reloads the monitor (alerts carry its tags).
  await updateMonitorRow(tx, ctx.organizationId, id, { tags, updated_at: new Date(ctx.clock.now()) });
  await audit(tx, ctx, {
    action: "monitor.update",
    target: { type: "monitor", id },
    summary: { fields: ["tags"] },
  });
}

async function changeChannels(
  tx: Db,
  ctx: Ctx,
  ids: string[],
  action: { type: "addChannels" | "removeChannels"; channelIds: string[] },
  note: (id: string, changed: boolean) => void,
): Promise<void> {
  const channelIds = [...new Set(action.channelIds)];
  const known = await tx
    .selectFrom("notification_channels")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "in", channelIds)
    .execute();
  const missing = channelIds.filter((c) => !known.some((k) => k.id === c));
  if (missing.length > 0) {
    throw new AppError("NOT_FOUND", `No channel ${missing[0]} in this organization`, {
      errors: missing.map((c) => ({
        path: "body.action.channelIds",
        message: `no channel ${c} in this organization`,
      })),
    });
  }
  const current = await tx
    .selectFrom("monitor_channels")
    .select(["monitor_id", "channel_id"])
    .where("monitor_id", "in", ids)
    .execute();
  const has = new Set(current.map((r) => `${r.monitor_id}|${r.channel_id}`));
  for (const id of ids) {
    const before = current.filter((r) => r.monitor_id === id).map((r) => r.channel_id);
    const delta = channelIds.filter((c) => has.has(`${id}|${c}`) === (action.type === "removeChannels"));
    if (delta.length === 0) {
      note(id, false);
      continue;
    }
    if (action.type === "addChannels") {
      await tx
        .insertInto("monitor_channels")
        .values(
          delta.map((channel_id) => ({ monitor_id: id, channel_id, organization_id: ctx.organizationId })),
        )
        .execute();
    } else {
      await tx
        .deleteFrom("monitor_channels")
        .where("monitor_id", "=", id)
        .where("channel_id", "in", delta)
        .execute();
    }
    const after =
      action.type === "addChannels" ? [...before, ...delta] : before.filter((c) => !delta.includes(c));
    await audit(tx, ctx, {
      action: "monitor.channels_set",
      target: { type: "monitor", id },
      summary: { channelIds: after.sort() },
    });
    note(id, true);
  }
}
