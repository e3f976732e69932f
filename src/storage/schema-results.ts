import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Check results, raw and packed by the hour (0015), and their rollups. */
export interface ResultTables {
  check_results: CheckResultsTable;
  check_result_blocks: CheckResultBlocksTable;
  check_history: CheckHistoryView;
  check_result_block_rows: CheckHistoryView;
  rollups_hourly: RollupsTable;
  rollups_daily: RollupsTable;
  rollup_blocks: RollupBlocksTable;
  hourly_rollup_history: RollupHistoryView;
  daily_rollup_history: RollupHistoryView;
  rollup_watermark: RollupWatermarkTable;
  check_artifacts: CheckArtifactsTable;
}

/** A failed browser check's screenshot (0021), keyed like its result. */
export interface CheckArtifactsTable {
  organization_id: string;
  monitor_id: string;
  region: string;
  slot_at: Timestamp;
  kind: string;
  mime: string;
  bytes: Uint8Array;
  created_at: Timestamp;
}

export interface CheckResultsTable {
  organization_id: string;
  monitor_id: string;
  region: string;
  slot_at: Timestamp;
  lateness_ms: number;
  manual: boolean;
  status: string;
  status_code: number | null;
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  total_ms: number;
  error_kind: string | null;
  error: string | null;
  verdicts: Json<unknown[]> | null;
}

/** Rows of `check_results` and of `check_result_blocks`, as one (the view `check_history`). */
export interface CheckHistoryView extends CheckResultsTable {
  /** The UTC hour of `slot_at`: a bound on it reaches the blocks through their primary key. */
  block_hour: Timestamp;
}

/** A monitor's results of one hour from one region, a column array per field (0015). */
export interface CheckResultBlocksTable {
  monitor_id: string;
  region: string;
  hour: Timestamp;
  organization_id: string;
  offsets_ms: number[];
  lateness_ms: number[];
  statuses: string[];
  manual: boolean[];
  status_codes: (number | null)[];
  dns_ms: (number | null)[];
  connect_ms: (number | null)[];
  tls_ms: (number | null)[];
  ttfb_ms: (number | null)[];
  total_ms: number[];
  details: Json<unknown[]>;
  detail: (number | null)[];
}

export interface RollupsTable {
  organization_id: string;
  monitor_id: string;
  bucket: Timestamp;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  latency_samples: number;
  latency_min: number | null;
  latency_avg: number | null;
  latency_p95: number | null;
  latency_max: number | null;
}

/** Rows of `rollups_hourly` (`rollups_daily`) and of `rollup_blocks`, as one (0022). */
export interface RollupHistoryView extends RollupsTable {
  /** The UTC week (from Monday) of `bucket`: a bound on it reaches the blocks by their key. */
  block_week: Timestamp;
}

/** A monitor's rollups of one UTC week, a column array per field: 168 hours (h_) and 7 days (d_). */
export interface RollupBlocksTable {
  monitor_id: string;
  week: Timestamp;
  organization_id: string;
  [field: `${"h" | "d"}_${string}`]: (number | null)[];
}

export interface RollupWatermarkTable {
  id: number;
  hourly_until: Timestamp;
  /** The retention floor of rollups: the history views hide packed rows before it (0022). */
  rollups_from: Timestamp | null;
}
