import { type Kysely, sql } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Packed rollups (issue 20, target 2: the folder at 1,000 monitors). `rollups_hourly` and
 * `rollups_daily` stay where the rollup job writes (the last one to eight days); once a UTC week
 * (Monday to Monday) has closed, its rows move into one `rollup_blocks` row per monitor and week:
 * a column array per field, 168 hours and 7 days long, null where no rollup exists. A row of
 * ~5 KB is compressed by TOAST (`toast_tuple_target` 128, storage MAIN keeps it inline), so the
 * arrays of counts, nearly always the same number, cost a few bytes. `hourly_rollup_history` and
 * `daily_rollup_history` show hot rows and unpacked blocks as the rows of old, from the retention
 * floor `rollup_watermark.rollups_from` on (retention deletes a block only once all of it is
 * past). Existing rows are packed here. docs/storage.md explains the choice.
 */
export const FIELDS = [
  ["checks", "integer"],
  ["up", "integer"],
  ["degraded", "integer"],
  ["down", "integer"],
  ["unknown", "integer"],
  ["latency_samples", "integer"],
  ["latency_min", "real"],
  ["latency_avg", "real"],
  ["latency_p95", "real"],
  ["latency_max", "real"],
] as const;
const names = FIELDS.map(([f]) => f);
/** The origin of `date_bin` for weeks: a Monday. */
export const WEEK_ORIGIN = "timestamptz '1970-01-05 00:00:00+00'";

export async function up(db: Kysely<unknown>): Promise<void> {
  const arrays = (p: string) => FIELDS.map(([f, t]) => `${p}${f} ${t}[] NOT NULL`).join(",\n      ");
  // MAIN for every varlena column: with the low target, an EXTENDED one (the text ids too) would be
  // moved out of line; MAIN compresses in place and leaves the row inline.
  const storage = ["monitor_id", "organization_id", ...["h_", "d_"].flatMap((p) => names.map((f) => p + f))]
    .map((c) => `ALTER COLUMN ${c} SET STORAGE MAIN`)
    .join(", ");
  const blockRows = (view: string, p: string, unit: string) => `
    CREATE VIEW ${view} AS
    SELECT b.organization_id, b.monitor_id, b.week + (u.i - 1) * interval '1 ${unit}' AS bucket,
      ${names.map((f) => `u.${f}`).join(", ")}, b.week AS block_week
    FROM rollup_blocks b
    CROSS JOIN LATERAL unnest(${names.map((f) => `b.${p}${f}`).join(", ")}) WITH ORDINALITY
      AS u(${names.join(", ")}, i)
    WHERE u.checks IS NOT NULL`;
  const history = (view: string, hot: string, blocks: string) => `
    CREATE VIEW ${view} AS
    SELECT * FROM (
      SELECT organization_id, monitor_id, bucket, ${names.join(", ")},
        date_bin('7 days', bucket, ${WEEK_ORIGIN}) AS block_week
      FROM ${hot}
      UNION ALL
      SELECT * FROM ${blocks}
    ) r
    WHERE r.bucket >= (SELECT coalesce(max(rollups_from), '-infinity') FROM rollup_watermark)`;
  await execStatements(
    db,
    `
    CREATE TABLE rollup_blocks (
      monitor_id text NOT NULL,
      -- The UTC week (from Monday 00:00) the block holds; element i is week + i - 1 hours (days).
      week timestamptz NOT NULL,
      organization_id text NOT NULL,
      ${arrays("h_")},
      ${arrays("d_")},
      PRIMARY KEY (monitor_id, week)
    ) WITH (toast_tuple_target = 128);
    ALTER TABLE rollup_blocks ${storage};
    ALTER TABLE rollup_watermark ADD COLUMN rollups_from timestamptz;
    ${blockRows("rollup_block_hours", "h_", "hour")};
    ${blockRows("rollup_block_days", "d_", "day")};
    ${history("hourly_rollup_history", "rollups_hourly", "rollup_block_hours")};
    ${history("daily_rollup_history", "rollups_daily", "rollup_block_days")}
    `,
  );
  // Pack the closed weeks of existing rollups, a week at a time (as the rollup job does).
  const wm = await sql<{
    until: Date | null;
  }>`SELECT max(hourly_until) AS until FROM rollup_watermark`.execute(db);
  const until = wm.rows[0]?.until;
  if (!until) return;
  const before = weekOf(new Date(until).getTime() - 86_400_000);
  for (;;) {
    const oldest = await sql<{ at: Date | null }>`
      SELECT least((SELECT min(bucket) FROM rollups_hourly), (SELECT min(bucket) FROM rollups_daily)) AS at`.execute(
      db,
    );
    const at = oldest.rows[0]?.at;
    if (!at || new Date(at).getTime() >= before) break;
    const week = new Date(weekOf(new Date(at).getTime()));
    await packWeekSql(null, week).execute(db);
    await sql`DELETE FROM rollups_hourly WHERE bucket >= ${week} AND bucket < ${new Date(week.getTime() + WEEK)}`.execute(
      db,
    );
    await sql`DELETE FROM rollups_daily WHERE bucket >= ${week} AND bucket < ${new Date(week.getTime() + WEEK)}`.execute(
      db,
    );
  }
}

const WEEK = 7 * 86_400_000;
const MONDAY = Date.UTC(1970, 0, 5);

/** The start (Monday 00:00 UTC) of the week `t` falls in. */
export function weekOf(t: number): number {
  return Math.floor((t - MONDAY) / WEEK) * WEEK + MONDAY;
}

/**
 * The statement packing the hot rollups of `week` (of the monitors `ids`, or all when null) into
 * blocks. Callers first unpack any block of those weeks and afterwards delete the hot rows.
 */
export function packWeekSql(ids: string[] | null, week: Date) {
  const only = ids ? sql`AND monitor_id = ANY(${ids}::text[])` : sql``;
  const cols = (p: string, pre = "") => sql.raw(names.map((f) => `${pre}${p}${f}`).join(", "));
  const side = (p: string, table: string, n: number, unit: string) => sql`
    CROSS JOIN LATERAL (SELECT ${sql.raw(names.map((f) => `array_agg(r.${f} ORDER BY g.i) AS ${p}${f}`).join(", "))}
      FROM generate_series(0, ${sql.raw(String(n - 1))}) g(i)
      LEFT JOIN ${sql.raw(table)} r ON r.monitor_id = t.monitor_id
        AND r.bucket = ${week}::timestamptz + g.i * interval '1 ${sql.raw(unit)}') ${sql.raw(p)}x`;
  return sql`
    INSERT INTO rollup_blocks (monitor_id, week, organization_id, ${cols("h_")}, ${cols("d_")})
    SELECT t.monitor_id, ${week}::timestamptz, t.organization_id, ${cols("h_", "h_x.")}, ${cols("d_", "d_x.")}
    FROM (
      SELECT monitor_id, max(organization_id) AS organization_id FROM (
        SELECT monitor_id, organization_id FROM rollups_hourly
        WHERE bucket >= ${week}::timestamptz AND bucket < ${week}::timestamptz + interval '7 days' ${only}
        UNION ALL
        SELECT monitor_id, organization_id FROM rollups_daily
        WHERE bucket >= ${week}::timestamptz AND bucket < ${week}::timestamptz + interval '7 days' ${only}
      ) x GROUP BY monitor_id
    ) t
    ${side("h_", "rollups_hourly", 168, "hour")}
    ${side("d_", "rollups_daily", 7, "day")}`;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    INSERT INTO rollups_hourly (organization_id, monitor_id, bucket, ${names.join(", ")})
    SELECT organization_id, monitor_id, bucket, ${names.join(", ")} FROM rollup_block_hours
    ON CONFLICT DO NOTHING;
    INSERT INTO rollups_daily (organization_id, monitor_id, bucket, ${names.join(", ")})
    SELECT organization_id, monitor_id, bucket, ${names.join(", ")} FROM rollup_block_days
    ON CONFLICT DO NOTHING;
    DROP VIEW daily_rollup_history;
    DROP VIEW hourly_rollup_history;
    DROP VIEW rollup_block_days;
    DROP VIEW rollup_block_hours;
    ALTER TABLE rollup_watermark DROP COLUMN rollups_from;
    DROP TABLE rollup_blocks
    `,
  );
}
