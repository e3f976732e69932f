import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Packed timings in two bytes (issue 20, target 2). A block's five timing arrays (`dns_ms` …
 * `total_ms`) were `real[]`, 20 of the ~44 bytes a packed check took. They become `smallint[]`
 * on a logarithmic scale: `code = round(ln(1 + ms × 100) × 1600)`, read back as
 * `(exp(code / 1600) − 1) / 100` rounded to 0.01 ms: within 0.005 ms + 0.031 % of the stored
 * value (1 ms reads back within ±0.005 ms, 250 ms within ±0.09 ms, 10 s within ±3.2 ms), up to
 * about 2 hours (7,800 s); larger values read as that. Reading a code back and packing it again gives the same code,
 * so a late result that unpacks and repacks its hour changes nothing. Raw results (the last hour
 * or two) keep their exact `real`s. docs/storage.md has the figures.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE FUNCTION upblit_ms_pack(ms real) RETURNS smallint
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT least(round(ln(1 + greatest(ms, 0)::float8 * 100) * 1600), 32767)::smallint $$;

    -- float8 arithmetic throughout: numeric's exp() made reading a day of packed results 10× slower.
    CREATE FUNCTION upblit_ms_unpack(code smallint) RETURNS real
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT (round(exp(code / 1600::float8) - 1) / 100)::real $$;

    CREATE FUNCTION upblit_ms_pack_array(ms real[]) RETURNS smallint[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT coalesce(array_agg(upblit_ms_pack(m) ORDER BY i), '{}')
            FROM unnest(ms) WITH ORDINALITY AS t(m, i) $$;

    DROP VIEW check_history;
    DROP VIEW check_result_block_rows;

    ALTER TABLE check_result_blocks
      ALTER COLUMN dns_ms TYPE smallint[] USING upblit_ms_pack_array(dns_ms),
      ALTER COLUMN connect_ms TYPE smallint[] USING upblit_ms_pack_array(connect_ms),
      ALTER COLUMN tls_ms TYPE smallint[] USING upblit_ms_pack_array(tls_ms),
      ALTER COLUMN ttfb_ms TYPE smallint[] USING upblit_ms_pack_array(ttfb_ms),
      ALTER COLUMN total_ms TYPE smallint[] USING upblit_ms_pack_array(total_ms);

    ${views("upblit_ms_unpack")}
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    DROP VIEW check_history;
    DROP VIEW check_result_block_rows;

    CREATE FUNCTION upblit_ms_unpack_array(codes smallint[]) RETURNS real[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT coalesce(array_agg(upblit_ms_unpack(c) ORDER BY i), '{}')
            FROM unnest(codes) WITH ORDINALITY AS t(c, i) $$;

    ALTER TABLE check_result_blocks
      ALTER COLUMN dns_ms TYPE real[] USING upblit_ms_unpack_array(dns_ms),
      ALTER COLUMN connect_ms TYPE real[] USING upblit_ms_unpack_array(connect_ms),
      ALTER COLUMN tls_ms TYPE real[] USING upblit_ms_unpack_array(tls_ms),
      ALTER COLUMN ttfb_ms TYPE real[] USING upblit_ms_unpack_array(ttfb_ms),
      ALTER COLUMN total_ms TYPE real[] USING upblit_ms_unpack_array(total_ms);

    ${views("")}

    DROP FUNCTION upblit_ms_unpack_array(smallint[]);
    DROP FUNCTION upblit_ms_pack_array(real[]);
    DROP FUNCTION upblit_ms_unpack(smallint);
    DROP FUNCTION upblit_ms_pack(real);
    `,
  );
}

/** The two views of 0015, reading the timings through `unpack` (none: the arrays as they are). */
function views(unpack: string): string {
  const t = (column: string) => `${unpack}(u.${column}) AS ${column}`;
  return `
    CREATE VIEW check_result_block_rows AS
    SELECT b.organization_id, b.monitor_id, b.region, b.hour + u.offset_ms * interval '1 millisecond' AS slot_at,
      u.lateness_ms, u.manual,
      CASE u.status WHEN 'u' THEN 'up' WHEN 'g' THEN 'degraded' WHEN 'd' THEN 'down' ELSE 'unknown' END AS status,
      u.status_code, ${t("dns_ms")}, ${t("connect_ms")}, ${t("tls_ms")}, ${t("ttfb_ms")}, ${t("total_ms")},
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
    SELECT * FROM check_result_block_rows;
  `;
}
