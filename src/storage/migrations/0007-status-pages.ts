import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Public status pages (issue 5): a page of an organization, its ordered groups and its components
 * (monitors shown under a display name). Slugs are unique across every organization because
 * pages live at /status/{slug}. Incidents, subscriptions, custom domains and reports hang off
 * `status_pages.id` in later migrations; docs/status-pages.md describes the model.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE status_pages (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      slug text NOT NULL UNIQUE,
      title text NOT NULL,
      description text,
      logo_url text,
      favicon_url text,
      -- { light: { background, text, accent }, dark: { ... } } as #rrggbb, checked for contrast.
      colors jsonb NOT NULL,
      footer_text text,
      -- [{ label, url }] with http(s) URLs only.
      footer_links jsonb NOT NULL,
      history_days integer NOT NULL CHECK (history_days IN (30, 90, 365)),
      visibility text NOT NULL CHECK (visibility IN ('public', 'password', 'members')),
      -- argon2id, like user passwords; set exactly when visibility is 'password'.
      password_hash text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK ((visibility = 'password') = (password_hash IS NOT NULL))
    );
    CREATE INDEX status_pages_org ON status_pages (organization_id, id);

    CREATE TABLE status_page_groups (
      id text PRIMARY KEY,
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      name text NOT NULL,
      position integer NOT NULL,
      UNIQUE (page_id, name)
    );
    CREATE INDEX status_page_groups_page ON status_page_groups (page_id, position);

    -- A monitor appears at most once per page; its component id in public output is the monitor id.
    CREATE TABLE status_page_components (
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      group_id text NOT NULL REFERENCES status_page_groups(id) ON DELETE CASCADE,
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      display_name text NOT NULL,
      position integer NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (page_id, monitor_id)
    );
    CREATE INDEX status_page_components_monitor ON status_page_components (monitor_id);
    CREATE INDEX status_page_components_group ON status_page_components (group_id, position);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE status_page_components, status_page_groups, status_pages");
}
