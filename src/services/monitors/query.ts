import type { MonitorState } from "../../domain/monitor.ts";
import { NotFoundError } from "../../lib/errors.ts";
import {
  findMonitor,
  listMonitorRows,
  type MonitorFilter,
  rowToMonitor,
} from "../../storage/repos/monitors.repo.ts";
import { getState } from "../../storage/repos/state.repo.ts";
import type { Ctx } from "../context.ts";
import type { MonitorWithState } from "./view.ts";

export async function getMonitor(ctx: Ctx, id: string): Promise<MonitorWithState> {
  const monitor = await findMonitor(ctx.db, ctx.organizationId, id);
  const state = monitor && (await getState(ctx.db, id));
  if (!monitor || !state) throw new NotFoundError("monitor", id);
  return {
    ...monitor,
    state: state.state,
    stateSince: state.since,
    lastCheckedAt: state.lastCheckedAt,
    lastStatus: state.lastStatus,
  };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
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
  const items = rows.slice(0, page.limit).map((r) => ({
    ...rowToMonitor(r),
    state: r.state as MonitorState,
    stateSince: r.since,
    lastCheckedAt: r.last_checked_at,
    lastStatus: r.last_status,
  }));
  const nextCursor = rows.length > page.limit ? (items.at(-1)?.id ?? null) : null;
  return { items, nextCursor };
}
