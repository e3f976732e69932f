import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Remote probes (issue 17): a probe token lets one agent outside the cluster check one region of
 * one organization (docs/remote-probes.md). Hashed like API keys; the lookup prefix finds the row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE probe_tokens (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      created_by text REFERENCES users(id) ON DELETE SET NULL,
      name text NOT NULL,
      region text NOT NULL,
      lookup text NOT NULL UNIQUE,
      secret_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz,
      -- What the last request of an agent on this token said about it (written at most every 10 s).
      last_seen_at timestamptz,
      last_seen_ip text,
      last_version text
    );
    CREATE INDEX probe_tokens_org ON probe_tokens (organization_id, id)
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE probe_tokens");
}
