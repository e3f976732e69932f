import type { ColumnType } from "kysely";

/** An installation's processes and their heartbeats (migration 0018). */
export interface ProcessesTable {
  id: string;
  roles: ColumnType<string[], string, string>;
  region: string;
  version: string;
  host: string;
  pid: number;
  started_at: Date;
  last_seen_at: Date;
  stopped_at: Date | null;
  /** A remote probe's organization (its token's, migration 0024); null for the installation's own processes. */
  organization_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Slots claimed and not yet looked at by the lost-slot sweep (migration 0018). */
export interface CheckClaimsTable {
  monitor_id: string;
  region: string;
  slot_at: Date;
  organization_id: string;
}

export interface ProcessTables {
  processes: ProcessesTable;
  check_claims: CheckClaimsTable;
}
