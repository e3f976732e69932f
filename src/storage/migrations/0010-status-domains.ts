import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Custom domains of status pages (issue 5): a page claims a domain, proves it owns it with a DNS
 * TXT record holding the domain's token, and is then served on it (by the Host header). A domain
 * belongs to at most one page across every organization, verified or not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE status_page_domains (
      -- lower case, without a trailing dot; unique across every organization.
      domain text PRIMARY KEY,
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      -- what the TXT record _upblit-challenge.<domain> must hold.
      verification_token text NOT NULL,
      verified_at timestamptz,
      last_checked_at timestamptz,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX status_page_domains_page ON status_page_domains (organization_id, page_id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE status_page_domains");
}
