import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Custom message templates per channel (docs/templates.md) and fire drills (docs/fire-drills.md).
 * A drill's rows in the outbox are ordinary notifications with `drill = true`; this table only
 * keeps one drill per monitor at a time and lets recent drills be counted for the rate limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    -- {"title"?: string, "text"?: string}, checked at save time; null keeps the default wording.
    ALTER TABLE notification_channels ADD COLUMN template jsonb;

    CREATE TABLE monitor_drills (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      started_by text,
      started_at timestamptz NOT NULL,
      -- Null while the drill runs; a drill whose process died is closed by the next one.
      finished_at timestamptz
    );
    -- At most one running drill per monitor, whichever API process started it.
    CREATE UNIQUE INDEX monitor_drills_running ON monitor_drills (monitor_id) WHERE finished_at IS NULL;
    CREATE INDEX monitor_drills_org ON monitor_drills (organization_id, started_at);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    DROP TABLE monitor_drills;
    ALTER TABLE notification_channels DROP COLUMN template
  `,
  );
}
