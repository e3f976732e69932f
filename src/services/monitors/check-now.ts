import { toCheckSpec } from "../../domain/monitor.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { findMonitor } from "../../storage/repos/monitors.repo.ts";
import type { Ctx } from "../context.ts";

/** Runs one check of a monitor at once, outside its schedule. Its result is marked `manual`. */
export async function checkNow(ctx: Ctx, id: string): Promise<{ monitorId: string; slotAt: Date }> {
  const monitor = await findMonitor(ctx.db, ctx.organizationId, id);
  if (!monitor) throw new NotFoundError("monitor", id);
  if (ctx.inFlight.has(id)) throw new AppError("CONFLICT", "A check of this monitor is already running");
  if (!ctx.queue.hasConsumer("check.run")) {
    throw new AppError("UNAVAILABLE", "No probe runs with this API process, so nothing could run the check");
  }
  const slotAt = ctx.clock.now();
  await ctx.queue.enqueue("check.run", {
    spec: toCheckSpec(monitor),
    region: ctx.region,
    slotAt,
    manual: true,
  });
  return { monitorId: id, slotAt: new Date(slotAt) };
}
