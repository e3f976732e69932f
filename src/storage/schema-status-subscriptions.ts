import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** A person subscribed to a page's notices by email (migration 0011). */
export interface StatusSubscribersTable {
  id: string;
  organization_id: string;
  page_id: string;
  email: string;
  component_ids: Json<string[]>;
  confirm_token_hash: string | null;
  confirmed_at: Timestamp | null;
  expires_at: Timestamp | null;
  created_at: Timestamp;
}

/** A URL that gets a page's notices as signed Standard Webhooks (migration 0011). */
export interface StatusWebhookSubscriptionsTable {
  id: string;
  organization_id: string;
  page_id: string;
  url: string;
  /** Encrypted with the secrets-at-rest key. */
  secret: string;
  component_ids: Json<string[]>;
  created_at: Timestamp;
}

/** What a notice mail says, frozen when the incident changed. */
export interface NoticeContent {
  pageTitle: string;
  pageSlug: string;
  title: string;
  status: string;
  impact: string;
  kind: string;
  body: string;
}

/** One notice owed to one subscriber: the outbox the notifier drains (migration 0011). */
export interface StatusSubscriptionNoticesTable {
  id: string;
  organization_id: string;
  page_id: string;
  subscriber_id: string | null;
  webhook_id: string | null;
  incident_id: string;
  event: string;
  content: Json<NoticeContent>;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
}

/** The tables of migration 0011, merged into Database. */
export interface StatusSubscriptionTables {
  status_subscribers: StatusSubscribersTable;
  status_subscription_notices: StatusSubscriptionNoticesTable;
  status_webhook_subscriptions: StatusWebhookSubscriptionsTable;
}
