import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Resource keys (issue 18, config as code): a stable name, chosen by a configuration file, that
 * finds the same monitor, channel, alert rule, maintenance window or status page on every
 * `upblit apply`, whatever its id. Unique per organization and kind, at most one key per resource.
 * A key whose resource was deleted is ignored (the service joins the resource's own table) and
 * replaced by the next `PUT` of the same key. docs/config-as-code.md explains them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE resource_keys (
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('monitor', 'channel', 'alert-rule', 'maintenance-window', 'status-page')),
      key text NOT NULL,
      resource_id text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, kind, key),
      UNIQUE (organization_id, kind, resource_id)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE resource_keys;");
}
