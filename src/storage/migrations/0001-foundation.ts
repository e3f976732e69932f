import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * The foundation schema. Every table that holds user data carries organization_id.
 * Hot, per-check rows (monitor_state, monitor_schedules, check_results) are kept narrow.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE organizations (
      id text PRIMARY KEY,
      name text NOT NULL,
      -- Kept with every create and delete, so the per-organization limit costs no count(*).
      monitor_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE monitors (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      type text NOT NULL,
      target text NOT NULL,
      settings jsonb NOT NULL,
      assertions jsonb NOT NULL,
      interval_seconds integer NOT NULL CHECK (interval_seconds BETWEEN 1 AND 86400),
      timeout_ms integer NOT NULL,
      regions text[] NOT NULL,
      failures_before_down integer NOT NULL,
      successes_before_up integer NOT NULL,
      tags text[] NOT NULL DEFAULT '{}',
      description text,
      runbook_url text,
      paused boolean NOT NULL DEFAULT false,
      -- Bumped by every change, so caches of a monitor (the scheduler's) know when to reload.
      revision integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX monitors_org_id ON monitors (organization_id, id);

    CREATE TABLE monitor_state (
      monitor_id text PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      state text NOT NULL,
      since timestamptz NOT NULL,
      consecutive_failures integer NOT NULL DEFAULT 0,
      consecutive_successes integer NOT NULL DEFAULT 0,
      last_status text,
      last_checked_at timestamptz,
      last_error text,
      open_incident_id text
    );

    -- One row per (monitor, region). A slot is claimed by moving last_slot_at forward with a
    -- compare-and-set, so two schedulers can never both claim the same slot.
    CREATE TABLE monitor_schedules (
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      region text NOT NULL,
      organization_id text NOT NULL,
      interval_seconds integer NOT NULL,
      offset_ms integer NOT NULL,
      next_due_at timestamptz NOT NULL,
      last_slot_at timestamptz,
      active boolean NOT NULL,
      PRIMARY KEY (monitor_id, region)
    );
    CREATE INDEX monitor_schedules_due ON monitor_schedules (region, next_due_at) WHERE active;

    -- The primary key is the slot identity: a slot's result can be stored once, ever. It is also
    -- the only index (every read and delete is per monitor), to keep each check's write small.
    CREATE TABLE check_results (
      organization_id text NOT NULL,
      monitor_id text NOT NULL,
      region text NOT NULL,
      slot_at timestamptz NOT NULL,
      lateness_ms integer NOT NULL,
      manual boolean NOT NULL,
      status text NOT NULL,
      status_code smallint,
      dns_ms real,
      connect_ms real,
      tls_ms real,
      ttfb_ms real,
      total_ms real NOT NULL,
      error_kind text,
      error text,
      verdicts jsonb,
      PRIMARY KEY (monitor_id, region, slot_at)
    );

    CREATE TABLE monitor_events (
      id text PRIMARY KEY,
      organization_id text NOT NULL,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      from_state text NOT NULL,
      to_state text NOT NULL,
      reason text,
      incident_id text,
      at timestamptz NOT NULL
    );
    CREATE INDEX monitor_events_monitor ON monitor_events (monitor_id, id);
    CREATE INDEX monitor_events_org ON monitor_events (organization_id, id);

    CREATE TABLE incidents (
      id text PRIMARY KEY,
      organization_id text NOT NULL,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      cause text,
      started_at timestamptz NOT NULL,
      resolved_at timestamptz,
      duration_ms bigint
    );
    -- An incident opens exactly once: at most one open incident per monitor, enforced here.
    CREATE UNIQUE INDEX incidents_one_open ON incidents (monitor_id) WHERE status = 'open';
    CREATE INDEX incidents_org ON incidents (organization_id, id);

    CREATE TABLE rollups_hourly (
      organization_id text NOT NULL,
      monitor_id text NOT NULL,
      bucket timestamptz NOT NULL,
      checks integer NOT NULL,
      up integer NOT NULL,
      degraded integer NOT NULL,
      down integer NOT NULL,
      unknown integer NOT NULL,
      latency_samples integer NOT NULL,
      latency_min real,
      latency_avg real,
      latency_p95 real,
      latency_max real,
      PRIMARY KEY (monitor_id, bucket)
    );
    CREATE TABLE rollups_daily (LIKE rollups_hourly INCLUDING ALL);

    -- Hours before hourly_until are summarised in rollups; results from then on are read raw.
    CREATE TABLE rollup_watermark (
      id integer PRIMARY KEY CHECK (id = 1),
      hourly_until timestamptz NOT NULL
    );

    CREATE TABLE idempotency_keys (
      organization_id text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, key)
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `DROP TABLE idempotency_keys, rollup_watermark, rollups_daily, rollups_hourly, incidents, monitor_events,
      check_results, monitor_schedules, monitor_state, monitors, organizations`,
  );
}
