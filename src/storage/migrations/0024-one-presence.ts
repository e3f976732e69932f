import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Scale-out (issue 16): presence is kept once. Every process renews its `processes` row (0018)
 * every 5 s, and a probe's row is what makes its region live; `probe_presence` (0016), which kept
 * the same heartbeat a second time per probe, is dropped. A remote probe (issue 17) has a row of
 * its own, scoped to the organization of its token (`organization_id`): it counts for that
 * organization's remote region only, while in-cluster processes (no organization) serve the
 * installation's local regions (docs/regions.md, "Probes report in").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    ALTER TABLE processes ADD COLUMN organization_id text REFERENCES organizations(id) ON DELETE CASCADE;
    CREATE INDEX processes_region ON processes (region, last_seen_at);
    DROP TABLE probe_presence
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE probe_presence (
      probe_id text PRIMARY KEY,
      region text NOT NULL,
      host text NOT NULL,
      started_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    );
    CREATE INDEX probe_presence_region ON probe_presence (region, last_seen_at);
    DROP INDEX processes_region;
    ALTER TABLE processes DROP COLUMN organization_id
    `,
  );
}
