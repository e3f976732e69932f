import { PGlite } from "@electric-sql/pglite";

/**
 * Reads the figures from the database Upblit left behind, once it has stopped (PGlite is one
 * process's at a time). Times are ms since the epoch; a check's start is slot_at + lateness_ms.
 */
export interface WindowStats {
  dueSlots: number;
  /** Results whose slot lies in the window. */
  slotsChecked: number;
  /** Results whose check started in the window. */
  started: number;
  latencyP50: number | null;
  latenessP50: number | null;
  latenessP99: number | null;
  latenessMax: number | null;
  byStatus: Record<string, number>;
}

export interface StoreStats {
  results: number;
  tableBytes: number;
  heapBytes: number;
  monitors: number;
  schedules: number;
}

export class StatsDb {
  private constructor(private readonly pg: PGlite) {}

  static async open(dataDir: string): Promise<StatsDb> {
    const pg = new PGlite(dataDir);
    await pg.waitReady;
    return new StatsDb(pg);
  }

  close(): Promise<void> {
    return this.pg.close();
  }

  private async one<T>(sql: string, params: unknown[] = []): Promise<T> {
    const res = await this.pg.query<T>(sql, params);
    const row = res.rows[0];
    if (!row) throw new Error(`no row from: ${sql}`);
    return row;
  }

  async window(fromMs: number, toMs: number): Promise<WindowStats> {
    const from = new Date(fromMs);
    const to = new Date(toMs);
    // Slots k*interval + offset in [from, to), summed over active schedules.
    const due = await this.one<{ n: string | null }>(
      `SELECT sum(ceil(($2::numeric - offset_ms) / (interval_seconds * 1000))
                - ceil(($1::numeric - offset_ms) / (interval_seconds * 1000)))::text AS n
         FROM monitor_schedules WHERE active`,
      [fromMs, toMs],
    );
    const bySlot = await this.one<Record<string, number | null>>(
      `SELECT count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY lateness_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY lateness_ms) AS p99,
              max(lateness_ms) AS max,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms) AS latency
         FROM check_results WHERE NOT manual AND slot_at >= $1 AND slot_at < $2`,
      [from, to],
    );
    const started = await this.startedBetween(fromMs, toMs);
    const statuses = await this.pg.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM check_results
        WHERE NOT manual AND slot_at >= $1 AND slot_at < $2 GROUP BY status`,
      [from, to],
    );
    return {
      dueSlots: Number(due.n ?? 0),
      slotsChecked: Number(bySlot.n ?? 0),
      started,
      latencyP50: bySlot.latency ?? null,
      latenessP50: bySlot.p50 ?? null,
      latenessP99: bySlot.p99 ?? null,
      latenessMax: bySlot.max ?? null,
      byStatus: Object.fromEntries(statuses.rows.map((r) => [r.status, r.n])),
    };
  }

  async startedBetween(fromMs: number, toMs: number): Promise<number> {
    const row = await this.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM check_results
        WHERE NOT manual AND slot_at + lateness_ms * interval '1 millisecond' >= $1
          AND slot_at + lateness_ms * interval '1 millisecond' < $2`,
      [new Date(fromMs), new Date(toMs)],
    );
    return row.n;
  }

  /** Active schedules whose next slot is more than `graceMs` before `atMs` (should be none). */
  async overdueSchedules(atMs: number, graceMs: number): Promise<number> {
    const row = await this.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM monitor_schedules WHERE active AND next_due_at < $1`,
      [new Date(atMs - graceMs)],
    );
    return row.n;
  }

  async store(): Promise<StoreStats> {
    return this.one<StoreStats>(
      `SELECT (SELECT count(*)::int FROM check_results) AS results,
              pg_total_relation_size('check_results')::float8 AS "tableBytes",
              pg_relation_size('check_results')::float8 AS "heapBytes",
              (SELECT count(*)::int FROM monitors) AS monitors,
              (SELECT count(*)::int FROM monitor_schedules WHERE active) AS schedules`,
    );
  }
}
