import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Row types of migration 0004-routing's tables, merged into Database (schema.ts). */
export interface RoutingTables {
  alert_rules: AlertRulesTable;
  alert_rule_channels: AlertRuleChannelsTable;
  incident_acknowledgements: IncidentAcknowledgementsTable;
}

export interface AlertRulesTable {
  id: string;
  organization_id: string;
  name: string;
  tags: string[];
  events: string[];
  reminder_minutes: number | null;
  /** Index i holds the minutes after which escalation step i + 1 fires. */
  escalation_minutes: number[];
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AlertRuleChannelsTable {
  rule_id: string;
  /** 0: the rule's own channels; 1..5: its escalation steps. */
  step: number;
  channel_id: string;
  organization_id: string;
}

export interface IncidentAcknowledgementsTable {
  incident_id: string;
  organization_id: string;
  at: Timestamp;
  by_type: "user" | "api_key" | "link";
  by_id: string | null;
  by_label: string;
  note: string | null;
}
