import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A region an organization's monitors may be checked from (migration 0016). */
export interface RegionsTable {
  organization_id: string;
  name: string;
  kind: ColumnType<"local" | "remote", "local" | "remote" | undefined, "local" | "remote">;
  description: string | null;
  /** Remote regions only: its probes may check loopback and private-network targets. */
  allow_private_targets: ColumnType<boolean, boolean | undefined, boolean>;
  /** When it was found with no live probe (and its admins told); null while a probe is live. */
  silent_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Row types of migration 0016's table (its `probe_presence` was dropped by 0024: `processes` keeps presence), merged into Database (schema.ts). */
export interface RegionTables {
  regions: RegionsTable;
}
