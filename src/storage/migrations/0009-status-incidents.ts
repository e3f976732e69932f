import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Status-page incident communication (issue 5, item 6): incidents and maintenance announcements
 * posted on a page, their affected components and their timeline of updates. A draft made from a
 * monitor incident remembers it (one draft per page and monitor incident). Pages may publish such
 * drafts themselves (`auto_publish`). docs/status-pages.md describes the model.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    ALTER TABLE status_pages ADD COLUMN auto_publish boolean NOT NULL DEFAULT false;

    CREATE TABLE status_incidents (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('incident', 'maintenance')),
      title text NOT NULL,
      status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved',
        'scheduled', 'in_progress', 'completed')),
      impact text NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
      published boolean NOT NULL,
      published_at timestamptz,
      -- The monitor incident a draft was prepared from; at most one draft per page and incident.
      monitor_incident_id text,
      scheduled_for timestamptz,
      scheduled_until timestamptz,
      postmortem text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      resolved_at timestamptz,
      UNIQUE (page_id, monitor_incident_id),
      CHECK (published = (published_at IS NOT NULL))
    );
    CREATE INDEX status_incidents_page ON status_incidents (page_id, created_at);
    CREATE INDEX status_incidents_org ON status_incidents (organization_id, id);

    -- Affected components by monitor. Not a foreign key to status_page_components: editing a
    -- page's groups rewrites its components, and an incident's history must survive that. Views
    -- show only monitors that are still components of the page.
    CREATE TABLE status_incident_components (
      incident_id text NOT NULL REFERENCES status_incidents(id) ON DELETE CASCADE,
      page_id text NOT NULL,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      PRIMARY KEY (incident_id, monitor_id)
    );
    CREATE INDEX status_incident_components_monitor ON status_incident_components (monitor_id);

    CREATE TABLE status_incident_updates (
      id text PRIMARY KEY,
      incident_id text NOT NULL REFERENCES status_incidents(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      status text NOT NULL,
      -- Markdown as written (at most 10,000 characters); rendered and sanitised when shown.
      body text NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX status_incident_updates_incident ON status_incident_updates (incident_id, created_at);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `DROP TABLE status_incident_updates, status_incident_components, status_incidents;
     ALTER TABLE status_pages DROP COLUMN auto_publish`,
  );
}
