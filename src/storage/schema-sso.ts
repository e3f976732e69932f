import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** An organization's OpenID Connect provider (migration 0014). */
export interface SsoProvidersTable {
  id: string;
  organization_id: string;
  display_name: string;
  issuer: string;
  client_id: string;
  /** Encrypted (lib/keys.ts encryptSecret). */
  client_secret: string;
  email_domains: Json<string[]>;
  scopes: string;
  groups_claim: string;
  role_mapping: Json<Array<{ group: string; role: string }>>;
  default_role: string | null;
  jit: boolean;
  enforce: boolean;
  enabled: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A provider's subject linked to an Upblit account. */
export interface SsoIdentitiesTable {
  provider_id: string;
  subject: string;
  user_id: string;
  created_at: Timestamp;
  last_login_at: Timestamp;
}

/** Row types of migration 0014's tables, merged into Database (schema.ts). */
export interface SsoTables {
  sso_providers: SsoProvidersTable;
  sso_identities: SsoIdentitiesTable;
}
