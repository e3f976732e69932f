import { toCheckSpec } from "../../domain/monitor.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { findMonitor } from "../../storage/repos/monitors.repo.ts";
import { audit } from "../audit/record.ts";
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
  // The job queue is not the database, so no shared transaction: the row is written (one insert,
  // atomic on its own) only once the check was really queued.
  await audit(ctx.db, ctx, { action: "monitor.check_now", target: { type: "monitor", id } });
  return { monitorId: id, slotAt: new Date(slotAt) };
}
