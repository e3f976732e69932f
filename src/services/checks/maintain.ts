import { deleteArtifactsBefore } from "../../storage/repos/artifacts.repo.ts";
import { checkpoint, vacuumHotTables as vacuumTables } from "../../storage/repos/maintenance.repo.ts";
import { oldestRawBefore, packResults } from "../../storage/repos/result-blocks.repo.ts";
import { deleteResultsBefore } from "../../storage/repos/results.repo.ts";
import {
  blockWeekOf,
  deleteRollupsBefore,
  getRollupWatermark,
  oldestHotRollupBefore,
  oldestResultAt,
  packRollupWeek,
  rollupDays,
  rollupHours,
  setRollupWatermark,
} from "../../storage/repos/rollups.repo.ts";
import type { Runtime } from "../context.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** An hour is summarised this long after it ends, when late results (timeouts) are in. */
export const ROLLUP_CLOSE_DELAY_MS = 3 * 60_000;
/** Monitors per statement, so one long aggregate or delete never holds the database. */
const MONITORS_PER_CHUNK = 500;

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;

/**
 * Summarises every hour that closed since the watermark: hourly rollups from raw results, then
 * the days those hours belong to from hourly rollups; then moves the watermark. Each raw result
 * is aggregated once. Results after the watermark are read raw (uptimeSummary). Idempotent:
 * after a crash the same hours are summarised again. Then packs the raw results of the hours before
 * the last one summarised (`packClosedHours`), and the rollups of closed weeks (`packClosedWeeks`).
 * Runs every minute in the evaluator role.
 */
export async function refreshRollups(
  rt: Runtime,
  options: { pack?: boolean; packRollups?: boolean } = {},
): Promise<void> {
  const until = floorTo(rt.clock.now() - ROLLUP_CLOSE_DELAY_MS, HOUR);
  let from = (await getRollupWatermark(rt.db))?.getTime();
  if (from === undefined) {
    const oldest = await oldestResultAt(rt.db);
    from = oldest ? floorTo(oldest.getTime(), HOUR) : until;
  }
  if (until > from) {
    const dayFrom = new Date(floorTo(from, DAY));
    const dayTo = new Date(floorTo(until - 1, DAY) + DAY);
    for (const chunk of await monitorIdChunks(rt)) {
      await rollupHours(rt.db, new Date(from), new Date(until), chunk);
      await rollupDays(rt.db, dayFrom, dayTo, chunk);
    }
  }
  if (until >= from) await setRollupWatermark(rt.db, new Date(until));
  // Off only in bench:storage, which measures the unpacked table as its baseline.
  if (options.pack !== false) await packClosedHours(rt, until - PACK_LAG_MS);
  if (options.packRollups !== false && until >= from) await packClosedWeeks(rt, until - ROLLUP_PACK_LAG_MS);
}

/** Rollups stay unpacked until their UTC week ended this long before the watermark. */
export const ROLLUP_PACK_LAG_MS = DAY;

/**
 * Packs the hourly and daily rollups of weeks that ended before `until` into blocks (one per
 * monitor and week, docs/storage.md), a week of a chunk of monitors per transaction. Idempotent
 * and resumable like `packClosedHours`. Returns how many blocks were written.
 */
export async function packClosedWeeks(rt: Runtime, until: number): Promise<number> {
  const before = blockWeekOf(new Date(until));
  let packed = 0;
  for (const chunk of await monitorIdChunks(rt)) {
    for (;;) {
      const oldest = await oldestHotRollupBefore(rt.db, chunk, before);
      if (!oldest) break;
      const week = blockWeekOf(oldest);
      packed += await rt.db.transaction().execute((tx) => packRollupWeek(tx, chunk, week));
    }
  }
  return packed;
}

/** Raw results stay unpacked this long after the rollup watermark (late results, a margin). */
export const PACK_LAG_MS = HOUR;
/** Hours packed per statement, so a first run over a month of raw rows never holds the database. */
const HOURS_PER_PACK = 6;

/**
 * Packs raw results of hours before `until` (rounded down to the hour) into blocks, a few hours
 * of a chunk of monitors per transaction (docs/storage.md). Idempotent and resumable: what is
 * packed leaves `check_results` in the same transaction. Returns how many results were packed.
 */
export async function packClosedHours(rt: Runtime, until: number): Promise<number> {
  const cutoff = floorTo(until, HOUR);
  let packed = 0;
  for (const chunk of await monitorIdChunks(rt)) {
    for (;;) {
      const oldest = await oldestRawBefore(rt.db, chunk, new Date(cutoff));
      if (!oldest) break;
      const from = floorTo(oldest.getTime(), HOUR);
      const to = Math.min(cutoff, from + HOURS_PER_PACK * HOUR);
      packed += await rt.db
        .transaction()
        .execute((tx) => packResults(tx, chunk, new Date(from), new Date(to)));
    }
  }
  return packed;
}

/** Every monitor id, in chunks: per-monitor work goes through the results' primary key. */
async function monitorIdChunks(rt: Runtime): Promise<string[][]> {
  const ids = (await rt.db.selectFrom("monitors").select("id").orderBy("id").execute()).map((r) => r.id);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += MONITORS_PER_CHUNK) chunks.push(ids.slice(i, i + MONITORS_PER_CHUNK));
  return chunks;
}

/**
 * Embedded PGlite runs PostgreSQL in single-user mode, where autovacuum never runs. The tables
 * rewritten on every check (a schedule claim, a state update) would bloat without bound, so the
 * evaluator vacuums them itself, then checkpoints, which bounds the WAL (single-user mode never
 * checkpoints for WAL volume). A PostgreSQL server's autovacuum and checkpointer do this on their own.
 */
export async function vacuumHotTables(rt: Runtime): Promise<void> {
  await vacuumTables(rt.db);
  await checkpoint(rt.db);
}

/** Deletes raw results and rollups past their retention, and expired idempotency keys. */
export async function applyRetention(
  rt: Runtime,
  retention: { rawDays: number; rollupDays: number },
): Promise<number> {
  const now = rt.clock.now();
  let removed = 0;
  for (const chunk of await monitorIdChunks(rt)) {
    removed += await deleteResultsBefore(rt.db, chunk, new Date(now - retention.rawDays * DAY));
  }
  await deleteArtifactsBefore(rt.db, new Date(now - retention.rawDays * DAY));
  await deleteRollupsBefore(rt.db, new Date(now - retention.rollupDays * DAY));
  await rt.db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(now - DAY))
    .execute();
  return removed;
}
