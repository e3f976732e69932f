import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A configuration file's key for one resource of an organization (migration 0019). */
export interface ResourceKeysTable {
  organization_id: string;
  kind: string;
  key: string;
  resource_id: string;
  created_at: Timestamp;
}

/** Row types of migration 0019's table, merged into Database (schema.ts). */
export interface ResourceKeyTables {
  resource_keys: ResourceKeysTable;
}
