import { deleteResultsBefore } from "../../storage/repos/results.repo.ts";
import { deleteRollupsBefore, rollupDays, rollupHours } from "../../storage/repos/rollups.repo.ts";
import type { Runtime } from "../context.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Brings rollups up to date: the previous and current hour from raw results, then the previous
 * and current day from hourly rollups. Idempotent; runs every minute in the evaluator role.
 */
export async function refreshRollups(rt: Runtime): Promise<void> {
  const now = rt.clock.now();
  const hourStart = Math.floor(now / HOUR) * HOUR;
  const dayStart = Math.floor(now / DAY) * DAY;
  await rollupHours(rt.db, new Date(hourStart - HOUR), new Date(hourStart + HOUR));
  await rollupDays(rt.db, new Date(dayStart - DAY), new Date(dayStart + DAY));
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
