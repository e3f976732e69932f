import { deleteResultsBefore } from "../../storage/repos/results.repo.ts";
import { deleteRollupsBefore, rollupDays, rollupHours } from "../../storage/repos/rollups.repo.ts";
import type { Runtime } from "../context.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Brings rollups up to date: hours from raw results, then days from hourly rollups, from `since`
 * (default: the previous hour) to now. Idempotent; runs every minute in the evaluator role.
 */
export async function refreshRollups(rt: Runtime, since?: number): Promise<void> {
  const now = rt.clock.now();
  const hourStart = Math.floor(now / HOUR) * HOUR;
  const from = Math.min(Math.floor((since ?? now) / HOUR) * HOUR, hourStart - HOUR);
  await rollupHours(rt.db, new Date(from), new Date(hourStart + HOUR));
  const dayFrom = Math.floor(from / DAY) * DAY;
  await rollupDays(rt.db, new Date(dayFrom), new Date(Math.floor(now / DAY) * DAY + DAY));
}

/**
 * At start: catches up on hours that ended while no evaluator ran (a crash skips the final
 * refresh), from the newest hourly rollup on, or from the oldest raw result on a new database.
 */
export async function catchUpRollups(rt: Runtime): Promise<void> {
  const newest = await rt.db
    .selectFrom("rollups_hourly")
    .select((eb) => eb.fn.max("bucket").as("at"))
    .executeTakeFirst();
  const oldest = newest?.at
    ? undefined
    : await rt.db
        .selectFrom("check_results")
        .select((eb) => eb.fn.min("slot_at").as("at"))
        .executeTakeFirst();
  const since = newest?.at ?? oldest?.at;
  if (since) await refreshRollups(rt, new Date(since).getTime());
}

/** Deletes raw results and rollups past their retention, and expired idempotency keys. */
export async function applyRetention(
  rt: Runtime,
  retention: { rawDays: number; rollupDays: number },
): Promise<number> {
  const now = rt.clock.now();
  const removed = await deleteResultsBefore(rt.db, new Date(now - retention.rawDays * DAY));
  await deleteRollupsBefore(rt.db, new Date(now - retention.rollupDays * DAY));
  await rt.db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(now - DAY))
    .execute();
  return removed;
}
