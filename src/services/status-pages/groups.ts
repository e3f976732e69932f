import { AppError, type FieldIssue } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { Ctx } from "../context.ts";
import { type GroupInput, type GroupView, STATUS_PAGE_LIMITS } from "./types.ts";

/**
 * Problems with a page's groups that need no database: too many components, a group name used
 * twice, a monitor shown twice on one page.
 */
export function groupProblems(groups: GroupInput[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const total = groups.reduce((n, g) => n + g.components.length, 0);
  if (total > STATUS_PAGE_LIMITS.componentsPerPage) {
    issues.push({
      path: "body.groups",
      message: `a page shows at most ${STATUS_PAGE_LIMITS.componentsPerPage} components (${total} given)`,
    });
  }
  const names = new Set<string>();
  const monitors = new Set<string>();
  groups.forEach((group, g) => {
    const key = group.name.toLowerCase();
    if (names.has(key)) issues.push({ path: `body.groups.${g}.name`, message: "is used by another group" });
    names.add(key);
    group.components.forEach((c, i) => {
      if (monitors.has(c.monitorId)) {
        issues.push({
          path: `body.groups.${g}.components.${i}.monitorId`,
          message: "is already on this page",
        });
      }
      monitors.add(c.monitorId);
    });
  });
  return issues;
}

/**
 * Replaces a page's groups and components in the caller's transaction. Every monitor must be the
 * organization's own: another organization's monitor and one that does not exist are refused
 * with the same words. A group keeps its id while its name stays, so group ids in public JSON
 * survive reordering; a component keeps its creation time while its monitor stays on the page.
 */
export async function replaceGroups(tx: Db, ctx: Ctx, pageId: string, groups: GroupInput[]): Promise<void> {
  const problems = groupProblems(groups);
  const wanted = groups.flatMap((g) => g.components.map((c) => c.monitorId));
  const owned = new Set(
    wanted.length === 0
      ? []
      : (
          await tx
            .selectFrom("monitors")
            .select("id")
            .where("organization_id", "=", ctx.organizationId)
            .where("id", "in", wanted)
            .execute()
        ).map((r) => r.id),
  );
  groups.forEach((group, g) => {
    group.components.forEach((c, i) => {
      if (!owned.has(c.monitorId)) {
        problems.push({
          path: `body.groups.${g}.components.${i}.monitorId`,
          message: "no monitor with this id in this organization",
        });
      }
    });
  });
  if (problems.length > 0) {
    throw new AppError("VALIDATION", "The page's groups are not acceptable", { errors: problems });
  }

  const oldGroups = await tx
    .selectFrom("status_page_groups")
    .select(["id", "name"])
    .where("page_id", "=", pageId)
    .execute();
  const oldComponents = await tx
    .selectFrom("status_page_components")
    .select(["monitor_id", "created_at"])
    .where("page_id", "=", pageId)
    .execute();
  const idByName = new Map(oldGroups.map((r) => [r.name.toLowerCase(), r.id]));
  const createdAt = new Map(oldComponents.map((r) => [r.monitor_id, r.created_at]));
  const now = new Date(ctx.clock.now());

  await tx.deleteFrom("status_page_components").where("page_id", "=", pageId).execute();
  const kept = groups.map((g) => idByName.get(g.name.toLowerCase())).filter((id) => id !== undefined);
  let stale = tx.deleteFrom("status_page_groups").where("page_id", "=", pageId);
  if (kept.length > 0) stale = stale.where("id", "not in", kept);
  await stale.execute();

  for (const [position, group] of groups.entries()) {
    const known = idByName.get(group.name.toLowerCase());
    const groupId = known ?? newId("grp", ctx.clock.now());
    if (known) {
      await tx
        .updateTable("status_page_groups")
        .set({ name: group.name, position })
        .where("id", "=", known)
        .execute();
    } else {
      await tx
        .insertInto("status_page_groups")
        .values({
          id: groupId,
          page_id: pageId,
          organization_id: ctx.organizationId,
          name: group.name,
          position,
        })
        .execute();
    }
    if (group.components.length === 0) continue;
    await tx
      .insertInto("status_page_components")
      .values(
        group.components.map((c, i) => ({
          page_id: pageId,
          group_id: groupId,
          monitor_id: c.monitorId,
          organization_id: ctx.organizationId,
          display_name: c.displayName,
          position: i,
          created_at: createdAt.get(c.monitorId) ?? now,
        })),
      )
      .execute();
  }
}

/** The groups of these pages of one organization, in order, with their components in order. */
export async function loadGroups(
  db: Db,
  organizationId: string,
  pageIds: string[],
): Promise<Map<string, GroupView[]>> {
  const out = new Map<string, GroupView[]>(pageIds.map((id) => [id, []]));
  if (pageIds.length === 0) return out;
  const groups = await db
    .selectFrom("status_page_groups")
    .select(["id", "page_id", "name", "position"])
    .where("organization_id", "=", organizationId)
    .where("page_id", "in", pageIds)
    .orderBy("page_id")
    .orderBy("position")
    .execute();
  const components = await db
    .selectFrom("status_page_components")
    .select(["group_id", "monitor_id", "display_name", "position"])
    .where("organization_id", "=", organizationId)
    .where("page_id", "in", pageIds)
    .orderBy("group_id")
    .orderBy("position")
    .execute();
  const byGroup = new Map<string, GroupView>();
  for (const g of groups) {
    const view: GroupView = { id: g.id, name: g.name, position: g.position, components: [] };
    byGroup.set(g.id, view);
    out.get(g.page_id)?.push(view);
  }
  for (const c of components) {
    byGroup.get(c.group_id)?.components.push({
      monitorId: c.monitor_id,
      displayName: c.display_name,
      position: c.position,
    });
  }
  return out;
}
