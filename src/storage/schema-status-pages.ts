import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** A theme's colours as #rrggbb. */
export interface StoredThemeColors {
  background: string;
  text: string;
  accent: string;
}

export interface StoredPageColors {
  light: StoredThemeColors;
  dark: StoredThemeColors;
}

export interface StoredFooterLink {
  label: string;
  url: string;
}

/** A public status page of an organization (migration 0007). */
export interface StatusPagesTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string | null;
  logo_url: string | null;
  favicon_url: string | null;
  colors: Json<StoredPageColors>;
  footer_text: string | null;
  footer_links: Json<StoredFooterLink[]>;
  history_days: number;
  visibility: "public" | "password" | "members";
  password_hash: string | null;
  /** Publish drafts made from monitor incidents at once (migration 0009). */
  auto_publish: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** An ordered, named group of components on a page. */
export interface StatusPageGroupsTable {
  id: string;
  page_id: string;
  organization_id: string;
  name: string;
  position: number;
}

/** A monitor shown on a page, in a group, under a display name. */
export interface StatusPageComponentsTable {
  page_id: string;
  group_id: string;
  monitor_id: string;
  organization_id: string;
  display_name: string;
  position: number;
  created_at: Timestamp;
}

/** Row types of migration 0007's tables, merged into Database (schema.ts). */
export interface StatusPageTables {
  status_pages: StatusPagesTable;
  status_page_groups: StatusPageGroupsTable;
  status_page_components: StatusPageComponentsTable;
}
