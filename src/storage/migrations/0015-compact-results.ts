import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Compact results (issue 20, target 2). `check_results` keeps only the last hour or two, one row
 * per check as before (the write path, its unique slot key and its redelivery check are
 * unchanged); once an hour is rolled up, its rows move into one `check_result_blocks` row per
 * (monitor, region, hour): a column array per field, and the error/verdicts of the hour stored
 * once per distinct value (`details`) with a per-check index into them (`detail`). `check_history`
 * shows both as the rows of old (`check_result_block_rows` unpacks the blocks): every reader of results history reads it. docs/storage.md
 * explains the choice and its figures. Existing rows are packed by the rollup job
 * (`packResults`), an hour at a time, from its first run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE check_result_blocks (
      monitor_id text NOT NULL,
      region text NOT NULL,
      -- The UTC hour the block holds; a check's slot is hour + its offset.
      hour timestamptz NOT NULL,
      organization_id text NOT NULL,
      -- One element per check, ascending by slot; all arrays have the same length.
      offsets_ms integer[] NOT NULL,
      lateness_ms integer[] NOT NULL,
      -- u = up, g = degraded, d = down, x = unknown.
      statuses "char"[] NOT NULL,
      manual boolean[] NOT NULL,
      status_codes smallint[] NOT NULL,
      dns_ms real[] NOT NULL,
      connect_ms real[] NOT NULL,
      tls_ms real[] NOT NULL,
      ttfb_ms real[] NOT NULL,
      total_ms real[] NOT NULL,
      -- Distinct [error_kind, error, verdicts] of the hour; detail[i] indexes it (null: none).
      details jsonb NOT NULL,
      detail smallint[] NOT NULL,
      PRIMARY KEY (monitor_id, region, hour)
    );

    CREATE VIEW check_result_block_rows AS
    SELECT b.organization_id, b.monitor_id, b.region, b.hour + u.offset_ms * interval '1 millisecond' AS slot_at,
      u.lateness_ms, u.manual,
      CASE u.status WHEN 'u' THEN 'up' WHEN 'g' THEN 'degraded' WHEN 'd' THEN 'down' ELSE 'unknown' END AS status,
      u.status_code, u.dns_ms, u.connect_ms, u.tls_ms, u.ttfb_ms, u.total_ms,
      b.details -> u.detail ->> 0 AS error_kind, b.details -> u.detail ->> 1 AS error,
      nullif(b.details -> u.detail -> 2, 'null'::jsonb) AS verdicts, b.hour AS block_hour
    FROM check_result_blocks b
    CROSS JOIN LATERAL unnest(b.offsets_ms, b.lateness_ms, b.statuses, b.manual, b.status_codes,
      b.dns_ms, b.connect_ms, b.tls_ms, b.ttfb_ms, b.total_ms, b.detail)
      AS u(offset_ms, lateness_ms, status, manual, status_code, dns_ms, connect_ms, tls_ms, ttfb_ms,
        total_ms, detail);

    CREATE VIEW check_history AS
    SELECT organization_id, monitor_id, region, slot_at, lateness_ms, manual, status, status_code,
      dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, error_kind, error, verdicts,
      date_trunc('hour', slot_at, 'UTC') AS block_hour
    FROM check_results
    UNION ALL
    SELECT * FROM check_result_block_rows
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    INSERT INTO check_results (organization_id, monitor_id, region, slot_at, lateness_ms, manual,
      status, status_code, dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, error_kind, error, verdicts)
    SELECT organization_id, monitor_id, region, slot_at, lateness_ms, manual, status, status_code,
      dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, error_kind, error, verdicts
    FROM check_result_block_rows
    ON CONFLICT DO NOTHING;
    DROP VIEW check_history;
    DROP VIEW check_result_block_rows;
    DROP TABLE check_result_blocks
    `,
  );
}
