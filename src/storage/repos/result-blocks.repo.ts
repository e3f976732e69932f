import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

const COLUMNS = sql`organization_id, monitor_id, region, slot_at, lateness_ms, manual, status, status_code,
  dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, error_kind, error, verdicts`;

/**
 * Moves these monitors' raw results with slots in [from, until) (whole UTC hours) into one block
 * per (monitor, region, hour); see migration 0015 and docs/storage.md. A late result whose hour
 * is already a block is merged: the block goes back to raw rows first (its rows win a slot held
 * twice, they were stored first), and the hour is packed whole again. Returns how many results
 * were packed. Run it in a transaction.
 */
export async function packResults(db: Q, monitorIds: string[], from: Date, until: Date): Promise<number> {
  const ids = sql`${monitorIds}::text[]`;
  const range = sql`slot_at >= ${from}::timestamptz AND slot_at < ${until}::timestamptz`;
  const late = sql`SELECT DISTINCT monitor_id, region, date_trunc('hour', slot_at, 'UTC') AS hour
    FROM check_results WHERE monitor_id = ANY(${ids}) AND ${range}`;
  await sql`
    WITH late AS (${late})
    INSERT INTO check_results (${COLUMNS})
    SELECT r.organization_id, r.monitor_id, r.region, r.slot_at, r.lateness_ms, r.manual, r.status,
      r.status_code, r.dns_ms, r.connect_ms, r.tls_ms, r.ttfb_ms, r.total_ms, r.error_kind, r.error, r.verdicts
    FROM check_result_block_rows r JOIN late
      ON r.monitor_id = late.monitor_id AND r.region = late.region AND r.block_hour = late.hour
    ON CONFLICT (monitor_id, region, slot_at) DO UPDATE SET lateness_ms = excluded.lateness_ms,
      manual = excluded.manual, status = excluded.status, status_code = excluded.status_code,
      dns_ms = excluded.dns_ms, connect_ms = excluded.connect_ms, tls_ms = excluded.tls_ms,
      ttfb_ms = excluded.ttfb_ms, total_ms = excluded.total_ms, error_kind = excluded.error_kind,
      error = excluded.error, verdicts = excluded.verdicts`.execute(db);
  await sql`
    WITH late AS (${late})
    DELETE FROM check_result_blocks b USING late
    WHERE b.monitor_id = late.monitor_id AND b.region = late.region AND b.hour = late.hour`.execute(db);
  const packed = await sql<{ n: number }>`
    WITH moved AS (
      DELETE FROM check_results WHERE monitor_id = ANY(${ids}) AND ${range} RETURNING *
    ), described AS (
      SELECT m.*, date_trunc('hour', m.slot_at, 'UTC') AS hour,
        CASE WHEN m.error_kind IS NULL AND m.error IS NULL AND m.verdicts IS NULL THEN NULL
          ELSE jsonb_build_array(m.error_kind, m.error, m.verdicts) END AS d
      FROM moved m
    ), indexed AS (
      SELECT r.*, CASE WHEN r.d IS NULL THEN NULL
        ELSE dense_rank() OVER (PARTITION BY r.monitor_id, r.region, r.hour ORDER BY r.d) - 1 END AS di
      FROM described r
    ), written AS (
      INSERT INTO check_result_blocks (monitor_id, region, hour, organization_id, offsets_ms, lateness_ms,
        statuses, manual, status_codes, dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, details, detail)
      SELECT monitor_id, region, hour, min(organization_id),
        array_agg(round(extract(epoch FROM slot_at - hour) * 1000)::int ORDER BY slot_at),
        array_agg(lateness_ms ORDER BY slot_at),
        array_agg((CASE status WHEN 'up' THEN 'u' WHEN 'degraded' THEN 'g' WHEN 'down' THEN 'd' ELSE 'x' END)::"char"
          ORDER BY slot_at),
        array_agg(manual ORDER BY slot_at), array_agg(status_code ORDER BY slot_at),
        -- Timings in two bytes each on a log scale (0025; read back through the view).
        array_agg(upblit_ms_pack(dns_ms) ORDER BY slot_at), array_agg(upblit_ms_pack(connect_ms) ORDER BY slot_at),
        array_agg(upblit_ms_pack(tls_ms) ORDER BY slot_at), array_agg(upblit_ms_pack(ttfb_ms) ORDER BY slot_at),
        array_agg(upblit_ms_pack(total_ms) ORDER BY slot_at),
        coalesce(jsonb_agg(DISTINCT d) FILTER (WHERE d IS NOT NULL), '[]'::jsonb),
        array_agg(di::smallint ORDER BY slot_at)
      FROM indexed
      GROUP BY monitor_id, region, hour
      RETURNING cardinality(offsets_ms) AS n
    )
    SELECT coalesce(sum(n), 0)::int AS n FROM written`.execute(db);
  return packed.rows[0]?.n ?? 0;
}

/** The earliest raw result of these monitors before `until`, the first hour left to pack. */
export async function oldestRawBefore(db: Q, monitorIds: string[], until: Date): Promise<Date | undefined> {
  const row = await db
    .selectFrom("check_results")
    .select((eb) => eb.fn.min("slot_at").as("at"))
    .where("monitor_id", "in", monitorIds)
    .where("slot_at", "<", until)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * Deletes these monitors' blocks whose every result is older than `before`, and trims the one
 * hour `before` falls in (its arrays are sliced past the older results). Returns how many results
 * went.
 */
export async function deleteBlocksBefore(db: Q, monitorIds: string[], before: Date): Promise<number> {
  const ids = sql`${monitorIds}::text[]`;
  const cut = sql`${before}::timestamptz`;
  const whole = await sql<{ n: number }>`
    WITH gone AS (
      DELETE FROM check_result_blocks
      WHERE monitor_id = ANY(${ids}) AND hour < ${cut}
        AND hour + offsets_ms[cardinality(offsets_ms)] * interval '1 millisecond' < ${cut}
      RETURNING cardinality(offsets_ms) AS n
    )
    SELECT coalesce(sum(n), 0)::int AS n FROM gone`.execute(db);
  const trimmed = await sql<{ n: number }>`
    WITH cut AS (
      SELECT monitor_id, region, hour,
        (SELECT count(*)::int FROM unnest(offsets_ms) o WHERE hour + o * interval '1 millisecond' < ${cut}) AS k
      FROM check_result_blocks
      WHERE monitor_id = ANY(${ids}) AND hour < ${cut} AND hour > ${cut} - interval '1 hour'
    ), done AS (
      UPDATE check_result_blocks b SET offsets_ms = offsets_ms[k + 1:], lateness_ms = lateness_ms[k + 1:],
        statuses = statuses[k + 1:], manual = manual[k + 1:], status_codes = status_codes[k + 1:],
        dns_ms = dns_ms[k + 1:], connect_ms = connect_ms[k + 1:], tls_ms = tls_ms[k + 1:],
        ttfb_ms = ttfb_ms[k + 1:], total_ms = total_ms[k + 1:], detail = detail[k + 1:]
      FROM cut
      WHERE b.monitor_id = cut.monitor_id AND b.region = cut.region AND b.hour = cut.hour AND cut.k > 0
      RETURNING cut.k
    )
    SELECT coalesce(sum(k), 0)::int AS n FROM done`.execute(db);
  return (whole.rows[0]?.n ?? 0) + (trimmed.rows[0]?.n ?? 0);
}
