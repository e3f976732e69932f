import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Monitor secrets encrypted at rest (issue 15): passwords of the client-library types, HTTP
 * credentials and credential-like headers are now sealed inside `settings`
 * (services/monitors/secrets.ts). SQL cannot encrypt with the server's key, so this marks every
 * existing row `secrets_plain`; at start, `sealStoredMonitorSecrets` seals those rows' secrets in
 * batches and clears the mark. Rows written from now on are sealed when written (mark false).
 *
 * Also the heartbeats' readable ping URL `/ping/{ping key}/{slug}` (docs/heartbeats.md): the
 * organization's ping key (its SHA-256 for the lookup, the key itself sealed to show it to
 * members), and one slug per heartbeat monitor of an organization.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    ALTER TABLE monitors ADD COLUMN secrets_plain boolean NOT NULL DEFAULT false;
    UPDATE monitors SET secrets_plain = true;
    CREATE INDEX monitors_secrets_plain ON monitors (id) WHERE secrets_plain;
    ALTER TABLE organizations ADD COLUMN ping_key_hash text UNIQUE;
    ALTER TABLE organizations ADD COLUMN ping_key_sealed text;
    ALTER TABLE organizations ADD COLUMN ping_key_created_at timestamptz;
    CREATE UNIQUE INDEX monitors_heartbeat_slug
      ON monitors (organization_id, (settings->'heartbeat'->>'slug')) WHERE type = 'heartbeat';
    `,
  );
}
