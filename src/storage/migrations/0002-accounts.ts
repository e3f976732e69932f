import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Accounts: people, their organizations and roles, sessions, API keys, invitations, single-use
 * tokens and the audit log. Every secret is stored as a hash (tokens, keys, passwords) or
 * encrypted (the TOTP secret); nothing here can be replayed from a copy of the database.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE users (
      id text PRIMARY KEY,
      -- Stored lower-cased; unique across the installation.
      email text NOT NULL UNIQUE,
      name text NOT NULL DEFAULT '',
      password_hash text NOT NULL,
      password_changed_at timestamptz NOT NULL,
      -- AES-256-GCM ciphertext of the TOTP secret; enabled once the first code was confirmed.
      totp_secret text,
      totp_enabled_at timestamptz,
      -- The last accepted TOTP time step, so each code works once.
      totp_last_step bigint,
      -- Second-factor attempts in the current window (5 minutes from the first): the attempt limit.
      totp_attempts integer NOT NULL DEFAULT 0,
      totp_attempts_window_end timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE memberships (
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, user_id)
    );
    CREATE INDEX memberships_user ON memberships (user_id);

    -- One row per login: the refresh-token family. The access token names it (sid), so revoking
    -- the row ends every token of the family at the next request.
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      -- The organization this session acts in; switched explicitly, never taken from a request.
      organization_id text REFERENCES organizations(id) ON DELETE SET NULL,
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text
    );
    CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

    CREATE TABLE refresh_tokens (
      token_hash text PRIMARY KEY,
      session_id text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

    CREATE TABLE recovery_codes (
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      code_hash text NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (user_id, code_hash)
    );

    -- Single-use links: first-run setup, password reset, email change. Only the hash is kept.
    CREATE TABLE user_tokens (
      token_hash text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('setup', 'password_reset', 'email_change')),
      user_id text REFERENCES users(id) ON DELETE CASCADE,
      payload jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX user_tokens_user ON user_tokens (user_id, kind);

    CREATE TABLE invitations (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      email text NOT NULL,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
      invited_by text REFERENCES users(id) ON DELETE SET NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by text REFERENCES users(id) ON DELETE SET NULL,
      revoked_at timestamptz
    );
    CREATE INDEX invitations_org ON invitations (organization_id, id);

    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      -- The admin who made it: the key never exceeds that person's current role here.
      created_by text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name text NOT NULL,
      -- The first characters of the token, shown in lists and used to find the row.
      lookup text NOT NULL UNIQUE,
      secret_hash text NOT NULL,
      scopes text[] NOT NULL,
      expires_at timestamptz,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      last_used_ip text,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_org ON api_keys (organization_id, id);

    CREATE TABLE audit_log (
      id text PRIMARY KEY,
      -- Null for changes to a person's own account (password, second factor, sessions).
      organization_id text REFERENCES organizations(id) ON DELETE CASCADE,
      at timestamptz NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
      actor_id text,
      actor_label text,
      action text NOT NULL,
      target_type text,
      target_id text,
      ip text,
      user_agent text,
      summary jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_org ON audit_log (organization_id, id);
    CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
    CREATE INDEX audit_log_at ON audit_log (at);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `DROP TABLE audit_log, api_keys, invitations, user_tokens, recovery_codes, refresh_tokens, sessions,
      memberships, users`,
  );
}
