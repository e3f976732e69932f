import { NotFoundError } from "../../lib/errors.ts";
import { findPing, listPings, type PingRow } from "../../storage/repos/heartbeats.repo.ts";
import { findMonitor } from "../../storage/repos/monitors.repo.ts";
import type { Ctx } from "../context.ts";

/** How much of a body a list shows. */
export const EXCERPT_CHARS = 200;

export interface PingView {
  id: string;
  kind: PingRow["kind"];
  exitStatus: number | null;
  at: Date;
  rid: string | null;
  method: string;
  sourceIp: string | null;
  userAgent: string | null;
  bodyBytes: number;
  durationMs: number | null;
}

const view = (p: PingRow): PingView => ({
  id: p.id,
  kind: p.kind,
  exitStatus: p.exit_status,
  at: new Date(p.at),
  rid: p.rid,
  method: p.method,
  sourceIp: p.source_ip,
  userAgent: p.user_agent,
  bodyBytes: p.body_bytes,
  durationMs: p.duration_ms,
});

async function ensureMonitor(ctx: Ctx, monitorId: string): Promise<void> {
  if (!(await findMonitor(ctx.db, ctx.organizationId, monitorId)))
    throw new NotFoundError("monitor", monitorId);
}

/** A monitor's pings, newest first, each with the start of its body. */
export async function pingsOf(
  ctx: Ctx,
  monitorId: string,
  page: { limit: number; before?: string },
): Promise<Array<PingView & { excerpt: string }>> {
  await ensureMonitor(ctx, monitorId);
  const rows = await listPings(ctx.db, ctx.organizationId, monitorId, page);
  return rows.map((p) => ({ ...view(p), excerpt: p.body.slice(0, EXCERPT_CHARS) }));
}

/** One ping with its whole stored body. */
export async function pingWithBody(
  ctx: Ctx,
  monitorId: string,
  id: string,
): Promise<PingView & { body: string }> {
  await ensureMonitor(ctx, monitorId);
  const ping = await findPing(ctx.db, ctx.organizationId, monitorId, id);
  if (!ping) throw new NotFoundError("ping", id);
  return { ...view(ping), body: ping.body };
}
