import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A domain claimed by a status page, verified by DNS TXT or not yet (migration 0010). */
export interface StatusPageDomainsTable {
  domain: string;
  page_id: string;
  organization_id: string;
  verification_token: string;
  verified_at: Timestamp | null;
  last_checked_at: Timestamp | null;
  created_at: Timestamp;
}

/** The tables of migration 0010, merged into Database. */
export interface StatusDomainTables {
  status_page_domains: StatusPageDomainsTable;
}
