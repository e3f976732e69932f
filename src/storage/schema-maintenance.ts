import type { ColumnType } from "kysely";
import type { RecurringSchedule } from "../domain/maintenance-schedule.ts";

/** Row types of migration 0005's maintenance tables, merged into Database (schema.ts). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** The stored rule of a recurring window: the domain's schedule without its `type`. */
export type StoredRecurrence = Omit<RecurringSchedule, "type">;

export interface MaintenanceWindowsTable {
  id: string;
  organization_id: string;
  title: string;
  description: string | null;
  tags: string[];
  kind: "once" | "recurring";
  starts_at: Timestamp | null;
  ends_at: Timestamp | null;
  recurrence: Json<StoredRecurrence> | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MaintenanceWindowMonitorsTable {
  window_id: string;
  monitor_id: string;
  organization_id: string;
}

export interface MaintenanceTables {
  maintenance_windows: MaintenanceWindowsTable;
  maintenance_window_monitors: MaintenanceWindowMonitorsTable;
}
