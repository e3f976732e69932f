import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** An incident or maintenance announcement on a status page (migration 0009). */
export interface StatusIncidentsTable {
  id: string;
  organization_id: string;
  page_id: string;
  kind: "incident" | "maintenance";
  title: string;
  status: string;
  impact: "none" | "minor" | "major" | "critical";
  published: boolean;
  published_at: Timestamp | null;
  monitor_incident_id: string | null;
  scheduled_for: Timestamp | null;
  scheduled_until: Timestamp | null;
  postmortem: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
}

/** A component (monitor on the page) an incident affects. */
export interface StatusIncidentComponentsTable {
  incident_id: string;
  page_id: string;
  monitor_id: string;
  organization_id: string;
}

/** One entry of an incident's timeline: its status then and a markdown body. */
export interface StatusIncidentUpdatesTable {
  id: string;
  incident_id: string;
  organization_id: string;
  status: string;
  body: string;
  created_at: Timestamp;
}

/** Row types of migration 0009's tables, merged into Database (schema.ts). */
export interface StatusIncidentTables {
  status_incidents: StatusIncidentsTable;
  status_incident_components: StatusIncidentComponentsTable;
  status_incident_updates: StatusIncidentUpdatesTable;
}
