import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Regions and quorum (issue 16, item 4; docs/regions.md). An organization declares the regions
 * its monitors may be checked from; every region its monitors already name becomes declared.
 * Probes report themselves per region (`probe_presence`), so a region without a live probe is
 * shown and alerted, never silently skipped. A monitor of several regions is judged per slot by
 * a quorum: `quorum_slot_at` is the last slot whose verdict moved its state, and events and
 * incidents keep what each region saw.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE regions (
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      -- local: probes run by this installation; remote: probes elsewhere (issue 17).
      kind text NOT NULL DEFAULT 'local' CHECK (kind IN ('local', 'remote')),
      description text,
      -- Set once when the region is found without a live probe (and its admins are told), cleared
      -- when a probe is back: the compare on it makes one alert per silence, however many watchers.
      silent_since timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, name)
    );
    INSERT INTO regions (organization_id, name, kind, created_at, updated_at)
      SELECT DISTINCT m.organization_id, r.name, 'local', now(), now()
      FROM monitors m CROSS JOIN LATERAL unnest(m.regions) AS r(name);

    -- One row per probe process, beaten every few seconds; the installation's, not an organization's.
    CREATE TABLE probe_presence (
      probe_id text PRIMARY KEY,
      region text NOT NULL,
      host text NOT NULL,
      started_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    );
    CREATE INDEX probe_presence_region ON probe_presence (region, last_seen_at);

    -- Regions that must see a monitor down (or degraded) in one slot; null: a majority.
    ALTER TABLE monitors ADD COLUMN quorum integer CHECK (quorum IS NULL OR quorum >= 1);
    ALTER TABLE monitor_state ADD COLUMN quorum_slot_at timestamptz;
    -- The slot still being decided: { slotAt: { seen: { region: status }, reason, at } }.
    ALTER TABLE monitor_state ADD COLUMN quorum_open jsonb;
    -- { region: status } of the slot that made the change; null for one region (or none known).
    ALTER TABLE monitor_events ADD COLUMN regions jsonb;
    ALTER TABLE incidents ADD COLUMN regions jsonb;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    ALTER TABLE incidents DROP COLUMN regions;
    ALTER TABLE monitor_events DROP COLUMN regions;
    ALTER TABLE monitor_state DROP COLUMN quorum_open;
    ALTER TABLE monitor_state DROP COLUMN quorum_slot_at;
    ALTER TABLE monitors DROP COLUMN quorum;
    DROP TABLE probe_presence;
    DROP TABLE regions;
  `,
  );
}
