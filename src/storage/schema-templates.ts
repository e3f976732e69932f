import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * Fire drills of monitors (migration 0008): one row per drill, open while it runs, so at most one
 * drill per monitor runs at a time across every API process, and recent ones can be counted.
 */
export interface MonitorDrillsTable {
  id: string;
  organization_id: string;
  monitor_id: string;
  /** The person or API key that started it. */
  started_by: string | null;
  started_at: Timestamp;
  /** Null while the drill runs. */
  finished_at: Timestamp | null;
}

/** Row types of migration 0008's tables, merged into Database (schema.ts). */
export interface TemplateTables {
  monitor_drills: MonitorDrillsTable;
}
