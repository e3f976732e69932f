import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A monitor's parent: an edge of the organization's dependency graph (migration 0006). */
export interface MonitorDependenciesTable {
  monitor_id: string;
  parent_id: string;
  organization_id: string;
}

/** A monitor that went `affected` while the incident (of a parent) was open. */
export interface IncidentDependentsTable {
  incident_id: string;
  monitor_id: string;
  organization_id: string;
  since: Timestamp;
}

/** A certificate expiry threshold already warned for one certificate of a monitor. */
export interface CertificateWarningsTable {
  monitor_id: string;
  organization_id: string;
  certificate: string;
  threshold: number;
  days_left: number;
  not_after: Timestamp;
  warned_at: Timestamp;
}

/** Row types of migration 0006's tables, merged into Database (schema.ts). */
export interface DependencyTables {
  monitor_dependencies: MonitorDependenciesTable;
  incident_dependents: IncidentDependentsTable;
  certificate_warnings: CertificateWarningsTable;
}
