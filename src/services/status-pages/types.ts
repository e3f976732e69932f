import type { PageColors, ThemeColors } from "./colors.ts";

/** Documented limits of status pages (docs/status-pages.md). */
export const STATUS_PAGE_LIMITS = {
  pagesPerOrg: 50,
  componentsPerPage: 100,
  groupsPerPage: 20,
  footerLinks: 10,
} as const;

export const HISTORY_DAYS = [30, 90, 365] as const;
export type HistoryDays = (typeof HISTORY_DAYS)[number];

export const VISIBILITIES = ["public", "password", "members"] as const;
/** `public`: anyone; `password`: whoever knows the page's password; `members`: signed-in members. */
export type Visibility = (typeof VISIBILITIES)[number];

export interface FooterLink {
  label: string;
  url: string;
}

export interface ComponentInput {
  monitorId: string;
  displayName: string;
}

export interface GroupInput {
  name: string;
  components: ComponentInput[];
}

/** Everything about a page but its components and password. */
export interface PageSettings {
  slug: string;
  title: string;
  description: string | null;
  logoUrl: string | null;
  faviconUrl: string | null;
  colors: PageColors;
  footerText: string | null;
  footerLinks: FooterLink[];
  historyDays: HistoryDays;
  visibility: Visibility;
  /** Publish drafts prepared from monitor incidents at once (docs/status-pages.md, drafts). */
  autoPublish: boolean;
}

export interface CreatePageInput extends Omit<PageSettings, "colors"> {
  colors: Partial<PageColors>;
  /** Required for visibility `password`, refused otherwise. */
  password?: string;
  groups: GroupInput[];
}

/** Absent fields keep their value; `groups`, when given, replaces every group and component. */
export type UpdatePageInput = Partial<Omit<PageSettings, "colors">> & {
  colors?: Partial<PageColors>;
  password?: string;
  groups?: GroupInput[];
};

export interface ComponentView {
  monitorId: string;
  displayName: string;
  position: number;
}

export interface GroupView {
  id: string;
  name: string;
  position: number;
  components: ComponentView[];
}

/** A page as its organization sees it (never the password hash). */
export interface StatusPage extends PageSettings {
  id: string;
  hasPassword: boolean;
  groups: GroupView[];
  createdAt: Date;
  updatedAt: Date;
}

export type { PageColors, ThemeColors };
