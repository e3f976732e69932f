/** Tokens of remote probes (migration 0020). */
export interface ProbeTokensTable {
  id: string;
  organization_id: string;
  created_by: string | null;
  name: string;
  region: string;
  lookup: string;
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
  last_seen_ip: string | null;
  last_version: string | null;
}

export interface ProbeTokenTables {
  probe_tokens: ProbeTokensTable;
}
