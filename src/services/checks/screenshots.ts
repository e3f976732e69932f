import { NotFoundError } from "../../lib/errors.ts";
import { findScreenshot, screenshotKeys } from "../../storage/repos/artifacts.repo.ts";
import type { Ctx } from "../context.ts";
import { requireMonitor } from "../monitors/query.ts";

/**
 * The screenshot a failed browser check took. Another organization's monitor, a result without
 * one and a result past retention all answer the same not-found.
 */
export async function getScreenshot(
  ctx: Ctx,
  monitorId: string,
  region: string,
  slotAt: Date,
): Promise<{ mime: string; bytes: Uint8Array }> {
  await requireMonitor(ctx, monitorId);
  const found = await findScreenshot(ctx.db, {
    organizationId: ctx.organizationId,
    monitorId,
    region,
    slotAt,
  });
  if (!found) throw new NotFoundError("screenshot", `${region}/${slotAt.toISOString()}`);
  return found;
}

/** Marks which of a page of results has a screenshot (one query over the page's time span). */
export async function withScreenshots<R extends { region: string; slot_at: Date; status: string }>(
  ctx: Ctx,
  monitorId: string,
  rows: R[],
): Promise<Array<R & { has_screenshot: boolean }>> {
  const down = rows.filter((r) => r.status === "down");
  if (down.length === 0) return rows.map((r) => ({ ...r, has_screenshot: false }));
  const times = down.map((r) => r.slot_at.getTime());
  const keys = await screenshotKeys(ctx.db, {
    organizationId: ctx.organizationId,
    monitorId,
    from: new Date(Math.min(...times)),
    to: new Date(Math.max(...times)),
  });
  return rows.map((r) => ({ ...r, has_screenshot: keys.has(`${r.region}|${r.slot_at.toISOString()}`) }));
}
