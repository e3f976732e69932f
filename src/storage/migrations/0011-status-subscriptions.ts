import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Email subscriptions to status pages (issue 5): double opt-in subscribers, each to every
 * component of a page or to some, webhook subscriptions, and the outbox of notices owed to them. Notices are written in
 * the transaction that publishes or updates an incident and sent later by the notifier role.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE status_subscribers (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      -- normalized (trimmed, lower case); personal data, shown to the organization's members only.
      email text NOT NULL,
      -- monitor ids of the page's components; empty = every component.
      component_ids jsonb NOT NULL DEFAULT '[]',
      -- SHA-256 of the pending confirmation token; null once confirmed.
      confirm_token_hash text,
      confirmed_at timestamptz,
      -- an unconfirmed subscription is dropped after this; null once confirmed.
      expires_at timestamptz,
      created_at timestamptz NOT NULL,
      UNIQUE (page_id, email)
    );
    CREATE INDEX status_subscribers_org ON status_subscribers (organization_id, page_id);
    CREATE UNIQUE INDEX status_subscribers_confirm ON status_subscribers (confirm_token_hash);

    CREATE TABLE status_webhook_subscriptions (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      url text NOT NULL,
      -- the Standard Webhooks signing secret, encrypted like channel secrets.
      secret text NOT NULL,
      component_ids jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL
    );
    CREATE INDEX status_webhook_subscriptions_org ON status_webhook_subscriptions (organization_id, page_id);

    CREATE TABLE status_subscription_notices (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      page_id text NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
      -- exactly one of: an email subscriber, a webhook.
      subscriber_id text REFERENCES status_subscribers(id) ON DELETE CASCADE,
      webhook_id text REFERENCES status_webhook_subscriptions(id) ON DELETE CASCADE,
      incident_id text NOT NULL,
      -- published | updated | resolved
      event text NOT NULL,
      -- what the mail says, frozen when the event happened.
      content jsonb NOT NULL,
      -- pending | sending | sent | failed
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      lease_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL,
      CHECK ((subscriber_id IS NULL) <> (webhook_id IS NULL))
    );
    CREATE INDEX status_subscription_notices_due ON status_subscription_notices (status, next_attempt_at);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    "DROP TABLE status_subscription_notices; DROP TABLE status_webhook_subscriptions; DROP TABLE status_subscribers",
  );
}
