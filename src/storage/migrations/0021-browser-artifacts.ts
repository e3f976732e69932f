import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Browser checks (issue 15): the screenshot a failed check took, one row per result that has one,
 * beside the packed results rather than in them (docs/storage.md). Kept as long as raw results;
 * at most 300 KB each (the probe retakes a bigger one smaller, then drops it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE check_artifacts (
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      region text NOT NULL,
      slot_at timestamptz NOT NULL,
      kind text NOT NULL,
      mime text NOT NULL,
      bytes bytea NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (monitor_id, region, slot_at, kind)
    );
    CREATE INDEX check_artifacts_slot ON check_artifacts (slot_at)
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE check_artifacts");
}
