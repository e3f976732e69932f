import type { MonitorDefinition } from "../../domain/monitor.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { isProbed } from "../../monitor-types/types.ts";
import type { Db } from "../../storage/db.ts";
import { insertMonitor, reserveMonitorSlot } from "../../storage/repos/monitors.repo.ts";
import { insertStateAndSchedules } from "../../storage/repos/schedules.repo.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { setParents } from "../dependencies/edges.ts";
import { assertRegionsDeclared } from "../regions/regions.ts";
import { openSecrets, sealSecrets } from "./secrets.ts";
import { slugTakenOr } from "./slug-taken.ts";
import type { MonitorWithState } from "./view.ts";

/**
 * Creates a monitor within the organization's quota and schedules it (unless paused); the
 * monitor, its state, its schedule and its audit row commit together.
 */
export async function createMonitor(
  ctx: Ctx,
  def: MonitorDefinition,
  options: { paused?: boolean; parents?: string[] } = {},
): Promise<MonitorWithState> {
  return ctx.db
    .transaction()
    .execute((tx) => insertNewMonitor(tx, ctx, newId("mon", ctx.clock.now()), def, options))
    .catch((err: unknown) => {
      throw slugTakenOr(err);
    });
}

/** `createMonitor` inside the caller's transaction, with the id chosen (an upsert by key claims it first). */
export async function insertNewMonitor(
  tx: Db,
  ctx: Ctx,
  id: string,
  def: MonitorDefinition,
  options: { paused?: boolean; parents?: string[] } = {},
): Promise<MonitorWithState> {
  const now = ctx.clock.now();
  const at = new Date(now);
  const paused = options.paused ?? false;
  if (!(await reserveMonitorSlot(tx, ctx.organizationId, ctx.limits.maxMonitorsPerOrg))) {
    throw new AppError(
      "LIMIT_EXCEEDED",
      `This organization has reached its limit of ${ctx.limits.maxMonitorsPerOrg} monitors`,
    );
  }
  await assertRegionsDeclared(tx, ctx, def.regions);
  const key = ctx.keys.encryption;
  const monitor = openSecrets(
    key,
    await insertMonitor(tx, { id, organizationId: ctx.organizationId, paused, at }, sealSecrets(key, def)),
  );
  const state = paused ? "paused" : "pending";
  await insertStateAndSchedules(
    tx,
    { ...monitor, active: !paused && isProbed(monitor.type), state, at },
    now,
  );
  if (options.parents?.length) await setParents(tx, ctx, id, options.parents);
  const parents = [...new Set(options.parents ?? [])].sort();
  // Name and type only: the target URL may carry a token in its query string.
  await audit(tx, ctx, {
    action: "monitor.create",
    target: { type: "monitor", id },
    summary: { name: monitor.name, type: monitor.type, paused, ...(parents.length ? { parents } : {}) },
  });
  return { ...monitor, state, stateSince: at, lastCheckedAt: null, lastStatus: null, parents };
}
