import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Maintenance windows: one-off (starts_at/ends_at) or recurring (a rule in `recurrence`, local to
 * its time zone), covering listed monitors and/or monitors with any of the window's tags. While a
 * window is open its monitors show `maintenance` and send no alerts; checks go on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE maintenance_windows (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      title text NOT NULL,
      description text,
      -- A monitor with any of these tags is covered (besides those listed in maintenance_window_monitors).
      tags text[] NOT NULL DEFAULT '{}',
      kind text NOT NULL CHECK (kind IN ('once', 'recurring')),
      -- One-off windows only: recording skips those that are not open with a plain comparison.
      starts_at timestamptz,
      ends_at timestamptz,
      -- Recurring windows only: timezone, startTime, durationMinutes, repeat, from, until.
      recurrence jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (
        (kind = 'once' AND starts_at IS NOT NULL AND ends_at > starts_at AND recurrence IS NULL)
        OR (kind = 'recurring' AND starts_at IS NULL AND ends_at IS NULL AND recurrence IS NOT NULL)
      )
    );
    CREATE INDEX maintenance_windows_org ON maintenance_windows (organization_id, id);

    CREATE TABLE maintenance_window_monitors (
      window_id text NOT NULL REFERENCES maintenance_windows(id) ON DELETE CASCADE,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      PRIMARY KEY (window_id, monitor_id)
    );
    CREATE INDEX maintenance_window_monitors_monitor ON maintenance_window_monitors (monitor_id);
    `,
  );
}
