import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Routing rules, reminders, escalation and acknowledgements (issue 4). A rule sends the alerts of
 * monitors with any of its tags to its channels (step 0), re-sends a reminder every N minutes
 * while the incident is open and unacknowledged, and escalates to the channels of step N after
 * `escalation_minutes[N]` minutes. Reminders and escalations need no bookkeeping of their own:
 * their outbox rows carry deterministic event ids (`rem:…`, `esc:…`), unique per channel.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
    CREATE TABLE alert_rules (
      id text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      -- Monitors having ANY of these tags; empty: every monitor of the organization.
      tags text[] NOT NULL,
      events text[] NOT NULL,
      reminder_minutes integer CHECK (reminder_minutes BETWEEN 5 AND 1440),
      -- Escalation step N (1-based) fires escalation_minutes[N] minutes after the incident opened.
      escalation_minutes integer[] NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (cardinality(escalation_minutes) <= 5)
    );
    CREATE INDEX alert_rules_org ON alert_rules (organization_id, id);

    -- The channels of a rule: step 0 is the rule's own set, steps 1..5 its escalation sets.
    -- A deleted channel leaves every rule that named it.
    CREATE TABLE alert_rule_channels (
      rule_id text NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
      step smallint NOT NULL CHECK (step BETWEEN 0 AND 5),
      channel_id text NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      PRIMARY KEY (rule_id, step, channel_id)
    );
    CREATE INDEX alert_rule_channels_channel ON alert_rule_channels (channel_id);

    -- Who acknowledged an incident, when, and why; at most once per incident.
    CREATE TABLE incident_acknowledgements (
      incident_id text PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
      organization_id text NOT NULL,
      at timestamptz NOT NULL,
      by_type text NOT NULL CHECK (by_type IN ('user', 'api_key', 'link')),
      -- The person, the API key, or the channel whose link was used.
      by_id text,
      by_label text NOT NULL,
      note text
    );
    CREATE INDEX incident_acknowledgements_org ON incident_acknowledgements (organization_id, incident_id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, "DROP TABLE incident_acknowledgements, alert_rule_channels, alert_rules");
}
