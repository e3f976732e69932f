import type { ColumnType, Generated } from "kysely";
import type { OpenSlots } from "../domain/quorum.ts";
import type { DependencyTables } from "./schema-dependencies.ts";
import type { HeartbeatTables } from "./schema-heartbeats.ts";
import type { MaintenanceTables } from "./schema-maintenance.ts";
import type { ProbeTokenTables } from "./schema-probe-tokens.ts";
import type { ProcessTables } from "./schema-processes.ts";
import type { RegionTables } from "./schema-regions.ts";
import type { ResourceKeyTables } from "./schema-resource-keys.ts";
import type { ResultTables } from "./schema-results.ts";
import type { RoutingTables } from "./schema-routing.ts";
import type { SsoTables } from "./schema-sso.ts";
import type { StatusDomainTables } from "./schema-status-domains.ts";
import type { StatusIncidentTables } from "./schema-status-incidents.ts";
import type { StatusPageTables } from "./schema-status-pages.ts";
import type { StatusSubscriptionTables } from "./schema-status-subscriptions.ts";
import type { TemplateTables } from "./schema-templates.ts";

/** Row types for Kysely, one per table. Must match migrations/; the migration test checks it. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type {
  CheckHistoryView,
  CheckResultBlocksTable,
  CheckResultsTable,
  RollupsTable,
  RollupWatermarkTable,
} from "./schema-results.ts";

export interface OrganizationsTable {
  id: string;
  name: string;
  monitor_count: Generated<number>;
  created_at: Generated<Date>;
  /** The heartbeats' ping key (migration 0017): SHA-256 hex for the lookup, the key sealed. */
  ping_key_hash: string | null;
  ping_key_sealed: string | null;
  ping_key_created_at: Date | null;
}

export interface MonitorsTable {
  id: string;
  organization_id: string;
  name: string;
  type: string;
  target: string;
  /** Type-specific settings (http, keyword, json, dns blocks) as one JSON object. */
  settings: Json<Record<string, unknown>>;
  assertions: Json<unknown[]>;
  interval_seconds: number;
  timeout_ms: number;
  regions: string[];
  failures_before_down: number;
  successes_before_up: number;
  tags: string[];
  description: string | null;
  runbook_url: string | null;
  /** Certificate expiry warning thresholds in days (migration 0006); null: the server's default. */
  cert_expiry_days: number[] | null;
  /** Regions that must agree on down or degraded (migration 0016); null: a majority. */
  quorum: ColumnType<number | null, number | null | undefined, number | null>;
  paused: boolean;
  /** Secrets in `settings` still plain text, written before migration 0017; sealed at start. */
  secrets_plain: Generated<boolean>;
  revision: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MonitorStateTable {
  monitor_id: string;
  organization_id: string;
  state: string;
  since: Timestamp;
  consecutive_failures: Generated<number>;
  consecutive_successes: Generated<number>;
  last_status: string | null;
  last_checked_at: Timestamp | null;
  last_error: string | null;
  open_incident_id: string | null;
  /** The last slot whose quorum verdict moved the state (several regions; migration 0016). */
  quorum_slot_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The slot still being decided (domain/quorum.ts OpenSlots); null when none. */
  quorum_open: ColumnType<OpenSlots | null, string | null | undefined, string | null>;
}

export interface MonitorSchedulesTable {
  monitor_id: string;
  region: string;
  organization_id: string;
  interval_seconds: number;
  offset_ms: number;
  next_due_at: Timestamp;
  last_slot_at: Timestamp | null;
  active: boolean;
}

export interface MonitorEventsTable {
  id: string;
  organization_id: string;
  monitor_id: string;
  from_state: string;
  to_state: string;
  reason: string | null;
  incident_id: string | null;
  at: Timestamp;
  /** What each region saw in the slot that made the change (migration 0016); null for one region. */
  regions: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

export interface IncidentsTable {
  id: string;
  organization_id: string;
  monitor_id: string;
  status: string;
  cause: string | null;
  started_at: Timestamp;
  resolved_at: Timestamp | null;
  duration_ms: ColumnType<number | null, number | null, number | null>;
  /** The status a person sets (migration 0012); the evaluator's recovery sets `resolved`. */
  workflow_status: Generated<"investigating" | "identified" | "monitoring" | "resolved">;
  workflow_resolved_by: ColumnType<"person" | "monitor" | null, "person" | "monitor" | null | undefined>;
  assignee_id: ColumnType<string | null, string | null | undefined>;
  postmortem: ColumnType<string | null, string | null | undefined>;
  updated_at: ColumnType<Date | null, Date | string | null | undefined>;
  /** What each region saw in the slot that opened it (migration 0016); null for one region. */
  regions: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

/** A note or a change a person made to an incident (migration 0012). */
export interface IncidentActivityTable {
  id: string;
  organization_id: string;
  incident_id: string;
  kind: "note" | "status" | "assignee" | "postmortem";
  at: Timestamp;
  by_type: "user" | "api_key" | "system";
  by_id: string | null;
  by_label: string;
  body: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

export interface UsersTable {
  id: string;
  email: string;
  name: Generated<string>;
  password_hash: string;
  password_changed_at: Timestamp;
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: ColumnType<string | null, number | string | null, number | string | null>;
  totp_attempts: Generated<number>;
  totp_attempts_window_end: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  organization_id: string;
  user_id: string;
  role: string;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  organization_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  /** Made by single sign-on: the one organization the session may act in (migration 0014). */
  sso_organization_id: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

export interface UserTokensTable {
  token_hash: string;
  kind: "setup" | "password_reset" | "email_change";
  user_id: string | null;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface InvitationsTable {
  id: string;
  organization_id: string;
  email: string;
  role: string;
  invited_by: string | null;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  created_by: string;
  name: string;
  lookup: string;
  secret_hash: string;
  scopes: string[];
  expires_at: Timestamp | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: string;
  organization_id: string | null;
  at: Timestamp;
  actor_type: "user" | "api_key" | "system";
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  summary: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface NotificationChannelsTable {
  id: string;
  organization_id: string;
  name: string;
  kind: string;
  config: Json<Record<string, unknown>>;
  secrets: string;
  is_default: boolean;
  events: string[];
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  /** The custom message template `{title?, text?}` as JSON (migration 0008); null: the default wording. */
  template: ColumnType<{ title?: string; text?: string } | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MonitorChannelsTable {
  monitor_id: string;
  channel_id: string;
  organization_id: string;
}

export interface NotificationsTable {
  id: string;
  organization_id: string;
  channel_id: string;
  monitor_id: string | null;
  event_id: string | null;
  event: string;
  drill: Generated<boolean>;
  message: Json<Record<string, unknown>>;
  status: "pending" | "sending" | "sent" | "failed";
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  give_up_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface MonitorSilencesTable {
  monitor_id: string;
  organization_id: string;
  until: Timestamp | null;
  until_recovery: boolean;
  reason: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface DeliveryAttemptsTable {
  id: string;
  notification_id: string;
  organization_id: string;
  at: Timestamp;
  outcome: "sent" | "retry" | "failed";
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export interface Database
  extends RoutingTables,
    MaintenanceTables,
    DependencyTables,
    StatusPageTables,
    StatusIncidentTables,
    StatusDomainTables,
    StatusSubscriptionTables,
    TemplateTables,
    HeartbeatTables,
    SsoTables,
    ProcessTables,
    ResultTables,
    RegionTables,
    ResourceKeyTables,
    ProbeTokenTables {
  organizations: OrganizationsTable;
  monitors: MonitorsTable;
  monitor_state: MonitorStateTable;
  monitor_schedules: MonitorSchedulesTable;
  monitor_events: MonitorEventsTable;
  incidents: IncidentsTable;
  incident_activity: IncidentActivityTable;
  idempotency_keys: IdempotencyKeysTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  recovery_codes: RecoveryCodesTable;
  user_tokens: UserTokensTable;
  invitations: InvitationsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  notification_channels: NotificationChannelsTable;
  monitor_channels: MonitorChannelsTable;
  notifications: NotificationsTable;
  delivery_attempts: DeliveryAttemptsTable;
  monitor_silences: MonitorSilencesTable;
}
