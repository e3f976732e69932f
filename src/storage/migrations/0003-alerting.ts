import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Alerting: notification channels, which monitors use them, and the outbox. A state change writes
 * one `notifications` row per routed channel in the same transaction as the change; the notifier
 * claims due rows with FOR UPDATE SKIP LOCKED and records every attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE notification_channels (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      kind text NOT NULL,
      -- Non-secret settings, validated by the kind's schema.
      config jsonb NOT NULL,
      -- The kind's secret settings as AES-256-GCM ciphertext of their JSON; never returned.
      secrets text NOT NULL,
      -- Default channels get every monitor's alerts; others only those of monitors that name them.
      is_default boolean NOT NULL DEFAULT false,
      events text[] NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX notification_channels_org ON notification_channels (organization_id, id);

    CREATE TABLE monitor_channels (
      monitor_id text NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      channel_id text NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      PRIMARY KEY (monitor_id, channel_id)
    );
    CREATE INDEX monitor_channels_channel ON monitor_channels (channel_id);

    -- The outbox: one row per (state-change event, channel). Its id is the delivery's idempotency
    -- key (webhook-id, Message-ID, dedup keys), the same on every attempt.
    CREATE TABLE notifications (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      channel_id text NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
      monitor_id text,
      -- The monitor event that caused it (null for test-sends): one notification per event and channel.
      event_id text,
      event text NOT NULL,
      drill boolean NOT NULL DEFAULT false,
      -- The message data, built when the event committed; adapters never query.
      message jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      -- A claimed row is leased; a notifier that died mid-send leaves it to be claimed again.
      lease_until timestamptz,
      -- Retries stop after this time, and the row becomes a dead letter (status 'failed').
      give_up_at timestamptz NOT NULL,
      last_error text,
      created_at timestamptz NOT NULL,
      sent_at timestamptz,
      UNIQUE (event_id, channel_id)
    );
    CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN ('pending', 'sending');
    CREATE INDEX notifications_org ON notifications (organization_id, id);

    -- A member's "don't alert me about this monitor": until a time, or until it recovers. Checks go on.
    CREATE TABLE monitor_silences (
      monitor_id text PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      until timestamptz,
      until_recovery boolean NOT NULL,
      reason text NOT NULL,
      created_by text,
      created_at timestamptz NOT NULL,
      CHECK ((until IS NULL) = until_recovery)
    );

    CREATE TABLE delivery_attempts (
      id text PRIMARY KEY,
      notification_id text NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      at timestamptz NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
      status_code integer,
      latency_ms integer NOT NULL,
      error text
    );
    CREATE INDEX delivery_attempts_notification ON delivery_attempts (notification_id, at);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    "DROP TABLE delivery_attempts, monitor_silences, notifications, monitor_channels, notification_channels",
  );
}
