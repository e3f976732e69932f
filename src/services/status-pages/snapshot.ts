import { sql } from "kysely";
import type { MonitorState } from "../../domain/monitor.ts";
import type { Db } from "../../storage/db.ts";
import { hourOf } from "../../storage/repos/rollups.repo.ts";
import type { Runtime } from "../context.ts";
import { maintenanceBetween } from "../maintenance/between.ts";
import { loadPublicIncidents, type PublicIncident } from "../status-incidents/public.ts";
import type { PageColors } from "./colors.ts";
import { type DayBar, dailyHistory } from "./history.ts";
import { failureCategory } from "./model.ts";
import type { FooterLink, HistoryDays, Visibility } from "./types.ts";

const DAY = 86_400_000;
/** How far ahead a page lists maintenance, and how many occurrences at most. */
export const UPCOMING_MAINTENANCE_DAYS = 30;
const MAX_MAINTENANCE_SHOWN = 10;
/** States whose cause a page names, by category. */
const FAILING: ReadonlySet<MonitorState> = new Set(["down", "degraded", "affected"]);

/**
 * What a status page shows, read in one go for its read model. Only public-safe data: display
 * names (never monitor names), states, categories of failure (never targets, addresses or raw
 * errors), uptime counts, and maintenance titles and times for the page's own components.
 */
export interface PageSnapshot {
  page: PublicPage;
  /** Kept apart from what the page shows: only access checks read it. */
  access: { passwordHash: string | null };
  groups: PublicGroup[];
  maintenance: PublicMaintenance[];
  /** Published status-page incidents and maintenance announcements: open ones and history. */
  incidents: PublicIncident[];
  builtAt: Date;
}

export interface PublicPage {
  id: string;
  organizationId: string;
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
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicGroup {
  id: string;
  name: string;
  position: number;
  components: PublicComponent[];
}

export interface PublicComponent {
  /** The monitor's id: the component id in JSON, the badge path and the live stream. */
  id: string;
  name: string;
  groupId: string;
  /** Position on the whole page, from 1. */
  position: number;
  state: MonitorState;
  since: Date;
  /** Why it is failing, as a category; null unless down, degraded or affected. */
  category: string | null;
  createdAt: Date;
  days: DayBar[];
}

export interface PublicMaintenance {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  status: "in_progress" | "scheduled";
  /** The page's components it covers (ids), in page order. */
  componentIds: string[];
}

/** The page id of a slug, or undefined. */
export async function findPageIdBySlug(rt: Runtime, slug: string): Promise<string | undefined> {
  const row = await rt.db.selectFrom("status_pages").select("id").where("slug", "=", slug).executeTakeFirst();
  return row?.id;
}

/** Public pages showing this monitor, oldest first (badges exist only for these). */
export async function publicPagesShowing(rt: Runtime, monitorId: string): Promise<string[]> {
  const rows = await rt.db
    .selectFrom("status_page_components as c")
    .innerJoin("status_pages as p", "p.id", "c.page_id")
    .select("p.id")
    .where("c.monitor_id", "=", monitorId)
    .where("p.visibility", "=", "public")
    .orderBy("p.created_at")
    .orderBy("p.id")
    .execute();
  return rows.map((r) => r.id);
}

/** Everything the page shows now, or undefined when the page is gone. */
export async function loadPageSnapshot(rt: Runtime, pageId: string): Promise<PageSnapshot | undefined> {
  const row = await rt.db.selectFrom("status_pages").selectAll().where("id", "=", pageId).executeTakeFirst();
  if (!row) return undefined;
  const now = rt.clock.now();
  const org = row.organization_id;
  const groups = await rt.db
    .selectFrom("status_page_groups")
    .select(["id", "name", "position"])
    .where("page_id", "=", pageId)
    .where("organization_id", "=", org)
    .orderBy("position")
    .execute();
  const components = await rt.db
    .selectFrom("status_page_components as c")
    .innerJoin("monitor_state as s", "s.monitor_id", "c.monitor_id")
    .select([
      "c.monitor_id",
      "c.group_id",
      "c.display_name",
      "c.position",
      "c.created_at",
      "s.state",
      "s.since",
    ])
    .where("c.page_id", "=", pageId)
    .where("c.organization_id", "=", org)
    .where("s.organization_id", "=", org)
    .orderBy("c.position")
    .execute();
  const monitorIds = components.map((c) => c.monitor_id);
  const history = await dailyHistory(rt.db, org, monitorIds, row.history_days, now);
  const failing = components.filter((c) => FAILING.has(c.state as MonitorState)).map((c) => c.monitor_id);
  const categories = await failureCategories(rt.db, org, failing, now);

  let position = 0;
  const publicGroups: PublicGroup[] = groups.map((g) => ({
    id: g.id,
    name: g.name,
    position: g.position,
    components: components
      .filter((c) => c.group_id === g.id)
      .map((c) => ({
        id: c.monitor_id,
        name: c.display_name,
        groupId: g.id,
        position: ++position,
        state: c.state as MonitorState,
        since: c.since,
        category: categories.get(c.monitor_id) ?? null,
        createdAt: c.created_at,
        days: history.get(c.monitor_id) ?? [],
      })),
  }));
  const ordered = publicGroups.flatMap((g) => g.components.map((c) => c.id));
  return {
    page: {
      id: row.id,
      organizationId: org,
      slug: row.slug,
      title: row.title,
      description: row.description,
      logoUrl: row.logo_url,
      faviconUrl: row.favicon_url,
      colors: row.colors,
      footerText: row.footer_text,
      footerLinks: row.footer_links,
      historyDays: row.history_days as HistoryDays,
      visibility: row.visibility,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    access: { passwordHash: row.password_hash },
    groups: publicGroups,
    maintenance: await pageMaintenance(rt.db, org, ordered, now),
    incidents: await loadPublicIncidents(rt.db, org, pageId, row.history_days, now),
    builtAt: new Date(now),
  };
}

/** The category of each failing monitor's latest failed or degraded check of the last two days. */
async function failureCategories(
  db: Db,
  organizationId: string,
  monitorIds: string[],
  nowMs: number,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (monitorIds.length === 0) return out;
  const rows = await sql<{
    monitor_id: string;
    status: string;
    error_kind: string | null;
    status_code: number | null;
  }>`
    SELECT DISTINCT ON (monitor_id) monitor_id, status, error_kind, status_code
    FROM check_history
    WHERE organization_id = ${organizationId}
      AND monitor_id = ANY(${monitorIds}::text[])
      AND slot_at >= ${new Date(nowMs - 2 * DAY)}::timestamptz
      AND block_hour >= ${hourOf(new Date(nowMs - 2 * DAY))}::timestamptz
      AND status IN ('down', 'degraded')
    ORDER BY monitor_id, slot_at DESC
  `.execute(db);
  for (const r of rows.rows) {
    out.set(
      r.monitor_id,
      failureCategory({ status: r.status, errorKind: r.error_kind, statusCode: r.status_code }),
    );
  }
  return out;
}

/**
 * Ongoing and upcoming maintenance (next 30 days) covering the page's components, from the
 * maintenance windows of the page's organization. Only the title and times are shown.
 */
async function pageMaintenance(
  db: Db,
  organizationId: string,
  componentIds: string[],
  nowMs: number,
): Promise<PublicMaintenance[]> {
  if (componentIds.length === 0) return [];
  const onPage = new Set(componentIds);
  const occurrences = await maintenanceBetween(
    db,
    organizationId,
    nowMs,
    nowMs + UPCOMING_MAINTENANCE_DAYS * DAY,
  );
  const shown: PublicMaintenance[] = [];
  for (const o of occurrences) {
    const covered = componentIds.filter((id) => onPage.has(id) && o.monitorIds.includes(id));
    if (covered.length === 0) continue;
    shown.push({
      id: `${o.windowId}-${o.startsAt.getTime()}`,
      title: o.title,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      status: o.startsAt.getTime() <= nowMs ? "in_progress" : "scheduled",
      componentIds: covered,
    });
    if (shown.length >= MAX_MAINTENANCE_SHOWN) break;
  }
  return shown;
}
