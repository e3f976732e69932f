import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Scale-out (issue 16): the processes of an installation and their heartbeats
 * (`GET /api/v1/system/processes`), and the claims that let a check whose job was lost be found.
 * docs/scaling.md explains both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    -- One row per process start: each renews last_seen_at while it runs and sets stopped_at
    -- when it stops cleanly; a killed one stops renewing. Old rows are removed by the evaluator.
    CREATE TABLE processes (
      id text PRIMARY KEY,
      roles jsonb NOT NULL,
      region text NOT NULL,
      version text NOT NULL,
      host text NOT NULL,
      pid integer NOT NULL,
      started_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      stopped_at timestamptz
    );
    CREATE INDEX processes_last_seen ON processes (last_seen_at);

    -- A slot claimed by a scheduler, until the lost-slot sweep has looked for its result (one
    -- insert per claim, one delete per sweep pass). A claim whose check left no result by its
    -- deadline (the job was lost with Redis or its probe) is recorded unknown, never missing.
    CREATE TABLE check_claims (
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      region text NOT NULL,
      slot_at timestamptz NOT NULL,
      organization_id text NOT NULL,
      PRIMARY KEY (monitor_id, region, slot_at)
    );
    CREATE INDEX check_claims_due ON check_claims (region, slot_at)
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE check_claims; DROP TABLE processes");
}
