import type { MonitorDefinition } from "../../domain/monitor.ts";
import type { Ctx } from "../context.ts";
import { upsertByKey } from "../resource-keys/upsert.ts";
import { announce, emptyAnnouncements } from "../state/write-transition.ts";
import { insertNewMonitor } from "./create.ts";
import { getMonitor } from "./query.ts";
import { slugTakenOr } from "./slug-taken.ts";
import { pauseInTransaction, replaceMonitor } from "./update.ts";
import type { MonitorWithState } from "./view.ts";

export interface MonitorBody {
  definition: MonitorDefinition;
  paused: boolean;
  parents: string[];
}

/**
 * `PUT /monitors/by-key/{key}`: creates the monitor and gives it the key when the key names none,
 * else replaces the monitor it names (definition, parents, paused), all in one transaction.
 * `body` gets the current monitor (null on create), so the edge can keep secrets sent back as
 * placeholders.
 */
export async function upsertMonitorByKey(
  ctx: Ctx,
  key: string,
  body: (current: MonitorWithState | null) => MonitorBody,
): Promise<{ created: boolean; monitor: MonitorWithState }> {
  const out = emptyAnnouncements();
  const done = await upsertByKey(ctx, "monitor", key, {
    create: async (tx, id) => {
      const { definition, paused, parents } = body(null);
      return (await insertNewMonitor(tx, ctx, id, definition, { paused, parents })).id;
    },
    update: async (tx, id) => {
      const current = await getMonitor(ctx, id, tx);
      const { definition, paused, parents } = body(current);
      await replaceMonitor(tx, ctx, id, definition, parents);
      if (paused !== current.paused) await pauseInTransaction(tx, ctx, id, paused, out);
      return id;
    },
  }).catch((err: unknown) => {
    throw slugTakenOr(err);
  });
  await announce(ctx, out);
  return { created: done.created, monitor: await getMonitor(ctx, done.value) };
}
