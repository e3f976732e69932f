import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Single sign-on with OpenID Connect (issue 14, item 10): at most one provider per organization,
 * and the link from a provider's subject (`sub`) to an Upblit account, so a later sign-in finds
 * the same person even when their email changed at the provider. docs/sso.md explains both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE sso_providers (
      id text PRIMARY KEY,
      organization_id text NOT NULL UNIQUE REFERENCES organizations(id) ON DELETE CASCADE,
      -- Shown on the sign-in button: "Sign in with <display_name>".
      display_name text NOT NULL,
      issuer text NOT NULL,
      client_id text NOT NULL,
      -- AES-256-GCM under the secrets-at-rest key (lib/keys.ts), never returned by the API.
      client_secret text NOT NULL,
      -- Lower-case domains; a person's verified email must end in one of them.
      email_domains jsonb NOT NULL DEFAULT '[]',
      -- Scopes asked for at sign-in (space-separated, with openid); some providers need "groups".
      scopes text NOT NULL DEFAULT 'openid email profile',
      groups_claim text NOT NULL DEFAULT 'groups',
      -- [{ group, role }]; the strongest role of the person's groups wins.
      role_mapping jsonb NOT NULL DEFAULT '[]',
      -- Role of a person in none of the mapped groups; null: they may not sign in (and lose membership).
      default_role text CHECK (default_role IN ('viewer', 'editor', 'admin')),
      -- Make a member of a person who is not one yet (just-in-time membership).
      jit boolean NOT NULL DEFAULT true,
      -- Members other than owners may not sign in with a password.
      enforce boolean NOT NULL DEFAULT false,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE sso_identities (
      provider_id text NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
      subject text NOT NULL,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      last_login_at timestamptz NOT NULL,
      PRIMARY KEY (provider_id, subject)
    );
    CREATE INDEX sso_identities_user ON sso_identities (user_id);

    -- Set on a session made by single sign-on: it acts in that organization only (a provider
    -- vouches for a person to its own organization, not to the others the account belongs to).
    ALTER TABLE sessions ADD COLUMN sso_organization_id text;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    "ALTER TABLE sessions DROP COLUMN sso_organization_id; DROP TABLE sso_identities; DROP TABLE sso_providers;",
  );
}
