import { AppError, type FieldIssue } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import type { Ctx } from "../context.ts";
import { ancestorEdges, parentsByMonitor, pathUp } from "./graph.ts";

/** The most parents one monitor may name. */
export const MAX_PARENTS = 10;

/** Each monitor's parents, in id order; a monitor without any maps to []. */
export async function parentsOf(db: Db, organizationId: string, monitorIds: string[]) {
  const out = new Map<string, string[]>(monitorIds.map((id) => [id, []]));
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom("monitor_dependencies")
    .select(["monitor_id", "parent_id"])
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "in", monitorIds)
    .orderBy("parent_id")
    .execute();
  for (const r of rows) out.get(r.monitor_id)?.push(r.parent_id);
  return out;
}

/**
 * Replaces a monitor's parents inside the caller's transaction; returns whether they changed.
 * Each parent must be another monitor of the same organization, and no new edge may close a cycle.
 * Changes to an organization's graph serialise on its row, so two concurrent edits cannot close
 * a cycle together. Refusals are 422s naming `body.parents.<i>`.
 */
export async function setParents(tx: Db, ctx: Ctx, monitorId: string, parents: string[]): Promise<boolean> {
  const wanted = [...new Set(parents)];
  const current = (await parentsOf(tx, ctx.organizationId, [monitorId])).get(monitorId) ?? [];
  if (sameSet(current, wanted)) return false;
  await tx
    .selectFrom("organizations")
    .select("id")
    .where("id", "=", ctx.organizationId)
    .forNoKeyUpdate()
    .execute();
  const errors = await refusedParents(tx, ctx.organizationId, monitorId, parents);
  if (errors.length > 0) {
    throw new AppError("PRECONDITION_FAILED", "These parents cannot be set", { errors });
  }
  await tx.deleteFrom("monitor_dependencies").where("monitor_id", "=", monitorId).execute();
  if (wanted.length > 0) {
    await tx
      .insertInto("monitor_dependencies")
      .values(
        wanted.map((p) => ({ monitor_id: monitorId, parent_id: p, organization_id: ctx.organizationId })),
      )
      .execute();
  }
  return true;
}

/** Why each refused parent cannot be one: itself, not a monitor of this organization, or a cycle. */
async function refusedParents(
  tx: Db,
  organizationId: string,
  monitorId: string,
  parents: string[],
): Promise<FieldIssue[]> {
  const others = parents.filter((p) => p !== monitorId);
  // Locked against deletion until commit, so the edges we write point at monitors that exist.
  const found = others.length
    ? await tx
        .selectFrom("monitors")
        .select("id")
        .where("organization_id", "=", organizationId)
        .where("id", "in", others)
        .forKeyShare()
        .execute()
    : [];
  const existing = new Set(found.map((m) => m.id));
  const above = parentsByMonitor(await ancestorEdges(tx, [...existing]));
  const errors: FieldIssue[] = [];
  parents.forEach((parent, i) => {
    const path = `body.parents.${i}`;
    if (parent === monitorId) errors.push({ path, message: "a monitor cannot depend on itself" });
    else if (!existing.has(parent)) {
      errors.push({ path, message: `no monitor ${parent} in this organization` });
    } else {
      const loop = pathUp(above, parent, monitorId);
      if (loop) errors.push({ path, message: `would close a cycle: ${[monitorId, ...loop].join(" → ")}` });
    }
  });
  return errors;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
