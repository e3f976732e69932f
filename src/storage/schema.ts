import type { ColumnType, Generated } from "kysely";

/** Row types for Kysely, one per table. Must match migrations/; the migration test checks it. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrganizationsTable {
  id: string;
  name: string;
  monitor_count: Generated<number>;
  created_at: Generated<Date>;
}

export interface MonitorsTable {
  id: string;
  organization_id: string;
  name: string;
  type: string;
  target: string;
  /** Type-specific settings (http, keyword, json, dns blocks) as one JSON object. */
  settings: Json<Record<string, unknown>>;
  assertions: Json<unknown[]>;
  interval_seconds: number;
  timeout_ms: number;
  regions: string[];
  failures_before_down: number;
  successes_before_up: number;
  tags: string[];
  description: string | null;
  runbook_url: string | null;
  paused: boolean;
  revision: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MonitorStateTable {
  monitor_id: string;
  organization_id: string;
  state: string;
  since: Timestamp;
  consecutive_failures: Generated<number>;
  consecutive_successes: Generated<number>;
  last_status: string | null;
  last_checked_at: Timestamp | null;
  last_error: string | null;
  open_incident_id: string | null;
}

export interface MonitorSchedulesTable {
  monitor_id: string;
  region: string;
  organization_id: string;
  interval_seconds: number;
  offset_ms: number;
  next_due_at: Timestamp;
  last_slot_at: Timestamp | null;
  active: boolean;
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

export interface MonitorEventsTable {
  id: string;
  organization_id: string;
  monitor_id: string;
  from_state: string;
  to_state: string;
  reason: string | null;
  incident_id: string | null;
  at: Timestamp;
}

export interface IncidentsTable {
  id: string;
  organization_id: string;
  monitor_id: string;
  status: string;
  cause: string | null;
  started_at: Timestamp;
  resolved_at: Timestamp | null;
  duration_ms: ColumnType<number | null, number | null, number | null>;
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

export interface RollupWatermarkTable {
  id: number;
  hourly_until: Timestamp;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

export interface Database {
  organizations: OrganizationsTable;
  monitors: MonitorsTable;
  monitor_state: MonitorStateTable;
  monitor_schedules: MonitorSchedulesTable;
  check_results: CheckResultsTable;
  monitor_events: MonitorEventsTable;
  incidents: IncidentsTable;
  rollups_hourly: RollupsTable;
  rollups_daily: RollupsTable;
  rollup_watermark: RollupWatermarkTable;
  idempotency_keys: IdempotencyKeysTable;
}
