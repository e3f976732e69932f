import type { AssertionVerdict } from "../../domain/assertion.ts";
import { toCheckSpec } from "../../domain/monitor.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { isProbed } from "../../monitor-types/types.ts";
import { findMonitor } from "../../storage/repos/monitors.repo.ts";
import { decodeVerdicts, listResultRows } from "../../storage/repos/results.repo.ts";
import { audit } from "../audit/record.ts";
import { withScreenshots } from "../checks/screenshots.ts";
import type { Ctx } from "../context.ts";
import { openSecrets } from "./secrets.ts";

/** How often a caller waiting for a check's result looks for it, besides being woken by the bus. */
const WAIT_POLL_MS = 250;

/** Runs one check of a monitor at once, outside its schedule. Its result is marked `manual`. */
export async function checkNow(
  ctx: Ctx,
  id: string,
): Promise<{ monitorId: string; slotAt: Date; timeoutMs: number }> {
  const monitor = await findMonitor(ctx.db, ctx.organizationId, id);
  if (!monitor) throw new NotFoundError("monitor", id);
  if (ctx.inFlight.has(id)) throw new AppError("CONFLICT", "A check of this monitor is already running");
  if (!isProbed(monitor.type)) {
    throw new AppError(
      "CONFLICT",
      `A ${monitor.type} monitor is pinged, not checked: there is nothing to run`,
    );
  }
  if (!(await ctx.queue.hasConsumer("check.run", ctx.region))) {
    throw new AppError("UNAVAILABLE", `No probe serves region ${ctx.region}, so nothing could run the check`);
  }
  const slotAt = ctx.clock.now();
  await ctx.queue.enqueue("check.run", {
    spec: toCheckSpec(openSecrets(ctx.keys.encryption, monitor)),
    region: ctx.region,
    slotAt,
    manual: true,
  });
  // The job queue is not the database, so no shared transaction: the row is written (one insert,
  // atomic on its own) only once the check was really queued.
  await audit(ctx.db, ctx, { action: "monitor.check_now", target: { type: "monitor", id } });
  return { monitorId: id, slotAt: new Date(slotAt), timeoutMs: monitor.timeoutMs };
}

type ResultRow = Awaited<ReturnType<typeof listResultRows>>[number];
export type StoredResult = Omit<ResultRow, "verdicts"> & {
  verdicts: AssertionVerdict[];
  /** A failed browser check's screenshot is stored with the result, in the same transaction. */
  has_screenshot: boolean;
};

/**
 * Waits until the result of the check queued for `slotAt` is recorded, at most `withinMs`
 * (wall time): the result as the results endpoint reads it (with whether it has a screenshot),
 * or null when it is not there in time. Woken by this process's live bus, and looks in the
 * database every 250 ms, since the probe and the evaluator may run in other processes.
 */
export async function awaitCheckResult(
  ctx: Ctx,
  monitorId: string,
  slotAt: Date,
  withinMs: number,
): Promise<StoredResult | null> {
  const deadline = Date.now() + withinMs;
  let wake: (() => void) | undefined;
  const unsubscribe = ctx.bus.subscribe(ctx.organizationId, (event) => {
    if (event.type === "check.result" && event.monitorId === monitorId) wake?.();
  });
  try {
    for (;;) {
      const rows = await listResultRows(
        ctx.db,
        ctx.organizationId,
        monitorId,
        { from: slotAt, to: new Date(slotAt.getTime() + 1) },
        20,
      );
      const row = rows.find((r) => r.region === ctx.region);
      if (row) {
        const marked = await withScreenshots(ctx, monitorId, [row]);
        const has_screenshot = marked.some((r) => r.has_screenshot);
        return { ...row, verdicts: decodeVerdicts(row.verdicts), has_screenshot };
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(WAIT_POLL_MS, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
  }
}
