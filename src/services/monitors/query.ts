import type { MonitorState } from "../../domain/monitor.ts";
import { NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import {
  findMonitor,
  listMonitorRows,
  type MonitorFilter,
  rowToMonitor,
} from "../../storage/repos/monitors.repo.ts";
import { getState } from "../../storage/repos/state.repo.ts";
import type { Ctx } from "../context.ts";
import { parentsOf } from "../dependencies/edges.ts";
import { type Page, toPage } from "../page.ts";
import { openSecrets } from "./secrets.ts";
import type { MonitorWithState } from "./view.ts";

/**
 * One monitor with its secrets opened (an update merges into it; responses redact them). Lists
 * leave them sealed: they are only ever shown, as "[redacted]".
 */
export async function getMonitor(ctx: Ctx, id: string, db: Db = ctx.db): Promise<MonitorWithState> {
  const found = await findMonitor(db, ctx.organizationId, id);
  const monitor = found && openSecrets(ctx.keys.encryption, found);
  const state = monitor && (await getState(db, id));
  if (!monitor || !state) throw new NotFoundError("monitor", id);
  const parents = await parentsOf(db, ctx.organizationId, [id]);
  return {
    ...monitor,
    state: state.state,
    stateSince: state.since,
    lastCheckedAt: state.lastCheckedAt,
    lastStatus: state.lastStatus,
    parents: parents.get(id) ?? [],
  };
}

/** Throws NOT_FOUND unless the monitor exists in the caller's organization. */
export async function requireMonitor(ctx: Ctx, id: string): Promise<void> {
  if (!(await findMonitor(ctx.db, ctx.organizationId, id))) throw new NotFoundError("monitor", id);
}

/**
 * Locks the organization's monitor row for the rest of the caller's transaction (changes to what
 * hangs off a monitor serialise on it); a monitor of another organization is not found.
 */
export async function lockMonitor(tx: Db, ctx: Ctx, id: string): Promise<void> {
  const found = await tx
    .selectFrom("monitors")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!found) throw new NotFoundError("monitor", id);
}

export async function listMonitors(
  ctx: Ctx,
  filter: MonitorFilter,
  page: { cursor?: string; limit: number },
): Promise<Page<MonitorWithState>> {
  const rows = await listMonitorRows(ctx.db, ctx.organizationId, filter, {
    after: page.cursor,
    limit: page.limit,
  });
  const parents = await parentsOf(
    ctx.db,
    ctx.organizationId,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    page.limit,
    (r) => ({
      ...rowToMonitor(r),
      state: r.state as MonitorState,
      stateSince: r.since,
      lastCheckedAt: r.last_checked_at,
      lastStatus: r.last_status,
      parents: parents.get(r.id) ?? [],
    }),
    (r) => r.id,
  );
}
