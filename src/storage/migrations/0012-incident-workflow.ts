import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Incidents as a workflow (issue 13, item 5): the status a person sets (investigating →
 * identified → monitoring → resolved), an assignee, a postmortem, and the incident's activity:
 * human notes and every change a person made, for its timeline. `status` (open / resolved) stays
 * the monitor's lifecycle, written by the evaluator only; docs/incidents.md explains both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    ALTER TABLE incidents ADD COLUMN workflow_status text NOT NULL DEFAULT 'investigating'
      CHECK (workflow_status IN ('investigating', 'identified', 'monitoring', 'resolved'));
    -- Who set workflow_status to resolved: 'person', or 'monitor' when its recovery did.
    ALTER TABLE incidents ADD COLUMN workflow_resolved_by text
      CHECK (workflow_resolved_by IN ('person', 'monitor'));
    -- A member of the organization when set; shown only while they still are one.
    ALTER TABLE incidents ADD COLUMN assignee_id text REFERENCES users(id) ON DELETE SET NULL;
    -- Markdown as written (at most 10,000 characters); rendered and sanitised when shown.
    ALTER TABLE incidents ADD COLUMN postmortem text;
    ALTER TABLE incidents ADD COLUMN updated_at timestamptz;
    UPDATE incidents SET workflow_status = 'resolved', workflow_resolved_by = 'monitor' WHERE status = 'resolved';

    -- Notes (kind 'note', body = markdown) and changes people made (kind 'status', 'assignee',
    -- 'postmortem'; data = { from, to }), in order: the human half of an incident's timeline.
    CREATE TABLE incident_activity (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('note', 'status', 'assignee', 'postmortem')),
      at timestamptz NOT NULL,
      by_type text NOT NULL CHECK (by_type IN ('user', 'api_key', 'system')),
      by_id text,
      by_label text NOT NULL,
      body text,
      data jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX incident_activity_incident ON incident_activity (incident_id, id);
    CREATE INDEX incident_activity_org ON incident_activity (organization_id, incident_id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `DROP TABLE incident_activity;
     ALTER TABLE incidents DROP COLUMN updated_at, DROP COLUMN postmortem, DROP COLUMN assignee_id,
       DROP COLUMN workflow_resolved_by, DROP COLUMN workflow_status`,
  );
}
