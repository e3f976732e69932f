import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Heartbeat monitors (issue 15, part 2): the pings jobs send, and the deadlines a sweep has
 * judged. A heartbeat's token lives in its settings (`settings.heartbeat.token`), found by index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE heartbeat_pings (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('success', 'start', 'fail', 'log', 'exit')),
      exit_status integer CHECK (exit_status BETWEEN 0 AND 255),
      at timestamptz NOT NULL,
      rid text,
      method text NOT NULL,
      source_ip text,
      user_agent text,
      -- The body (or the query string) as text, cut at the documented limit.
      body text NOT NULL DEFAULT '',
      body_bytes integer NOT NULL DEFAULT 0,
      -- On a success, fail or exit ping closing a run: the time since its start.
      duration_ms integer,
      -- On a start ping: when a success, fail or exit closed its run (null while it runs).
      finished_at timestamptz
    );
    CREATE INDEX heartbeat_pings_monitor ON heartbeat_pings (monitor_id, at DESC);
    CREATE INDEX heartbeat_pings_open ON heartbeat_pings (monitor_id, at) WHERE kind = 'start' AND finished_at IS NULL;
    CREATE INDEX monitors_heartbeat_token ON monitors ((settings->'heartbeat'->>'token')) WHERE type = 'heartbeat';

    -- A missed deadline (or a run that never finished) is judged once, however many schedulers sweep.
    CREATE TABLE heartbeat_judgements (
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      deadline_at timestamptz NOT NULL,
      PRIMARY KEY (monitor_id, deadline_at)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    "DROP TABLE heartbeat_judgements; DROP INDEX monitors_heartbeat_token; DROP TABLE heartbeat_pings",
  );
}
