import { AppError, NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { lockMonitor } from "../monitors/query.ts";

/** The longest a timed silence may last: longer means the monitor should be paused or deleted. */
export const MAX_SILENCE_DAYS = 30;

export interface Silence {
  monitorId: string;
  until: Date | null;
  untilRecovery: boolean;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
}

type Row = {
  monitor_id: string;
  until: Date | null;
  until_recovery: boolean;
  reason: string;
  created_by: string | null;
  created_at: Date;
};

const view = (r: Row): Silence => ({
  monitorId: r.monitor_id,
  until: r.until,
  untilRecovery: r.until_recovery,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/**
 * Silences a monitor's alerts, with a reason, until a time or until it recovers. Checks, state and
 * incidents go on; only notifications stop. A newer silence replaces the current one.
 */
export async function silenceMonitor(
  ctx: Ctx,
  monitorId: string,
  input: { reason: string; until?: Date; untilRecovery: boolean },
): Promise<Silence> {
  const now = ctx.clock.now();
  if (input.until) {
    const errors = [];
    if (input.until.getTime() <= now) errors.push({ path: "body.until", message: "must be in the future" });
    if (input.until.getTime() > now + MAX_SILENCE_DAYS * 86_400_000) {
      errors.push({ path: "body.until", message: `must be within ${MAX_SILENCE_DAYS} days` });
    }
    if (errors.length > 0)
      throw new AppError("VALIDATION", "The silence's end is not acceptable", { errors });
  }
  const createdBy =
    ctx.actor.kind === "user" ? ctx.actor.userId : ctx.actor.kind === "apiKey" ? ctx.actor.keyId : null;
  return ctx.db.transaction().execute(async (tx) => {
    await lockMonitor(tx, ctx, monitorId);
    const values = {
      until: input.until ?? null,
      until_recovery: input.untilRecovery,
      reason: input.reason,
      created_by: createdBy,
      created_at: new Date(now),
    };
    const row = await tx
      .insertInto("monitor_silences")
      .values({ monitor_id: monitorId, organization_id: ctx.organizationId, ...values })
      .onConflict((oc) => oc.column("monitor_id").doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, {
      action: "monitor.silence",
      target: { type: "monitor", id: monitorId },
      summary: {
        reason: input.reason,
        until: input.until?.toISOString() ?? null,
        untilRecovery: input.untilRecovery,
      },
    });
    return view(row);
  });
}

/** The monitor's silence if one is in force now; an expired timed silence reads as none. */
export async function getSilence(ctx: Ctx, monitorId: string): Promise<Silence | null> {
  const row = await ctx.db
    .selectFrom("monitors as m")
    .leftJoin("monitor_silences as s", "s.monitor_id", "m.id")
    .select([
      "m.id",
      "s.monitor_id",
      "s.until",
      "s.until_recovery",
      "s.reason",
      "s.created_by",
      "s.created_at",
    ])
    .where("m.organization_id", "=", ctx.organizationId)
    .where("m.id", "=", monitorId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("monitor", monitorId);
  if (!row.monitor_id || !row.created_at || row.reason === null || row.until_recovery === null) return null;
  if (row.until && row.until.getTime() <= ctx.clock.now()) return null;
  return view({
    ...row,
    monitor_id: row.monitor_id,
    reason: row.reason,
    until_recovery: row.until_recovery,
    created_at: row.created_at,
  });
}

export async function unsilenceMonitor(ctx: Ctx, monitorId: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    await lockMonitor(tx, ctx, monitorId);
    const done = await tx
      .deleteFrom("monitor_silences")
      .where("monitor_id", "=", monitorId)
      .executeTakeFirst();
    if (Number(done.numDeletedRows) === 0) throw new NotFoundError("silence of monitor", monitorId);
    await audit(tx, ctx, { action: "monitor.unsilence", target: { type: "monitor", id: monitorId } });
  });
}

/**
 * For the outbox: which of these monitors are silenced at `nowMs`, and which silences end now
 * because their monitor recovered (those are deleted here, in the caller's transaction).
 */
export async function silencedMonitors(
  tx: Db,
  monitorIds: string[],
  recovered: ReadonlySet<string>,
  nowMs: number,
): Promise<Set<string>> {
  if (monitorIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom("monitor_silences")
    .selectAll()
    .where("monitor_id", "in", monitorIds)
    .execute();
  const silenced = new Set<string>();
  const ended: string[] = [];
  for (const r of rows) {
    if (r.until_recovery && recovered.has(r.monitor_id)) ended.push(r.monitor_id);
    else if (r.until_recovery || (r.until && r.until.getTime() > nowMs)) silenced.add(r.monitor_id);
  }
  if (ended.length > 0) await tx.deleteFrom("monitor_silences").where("monitor_id", "in", ended).execute();
  return silenced;
}
