import { AppError } from "../../lib/errors.ts";
import { firstOrganizationId, listProcessRows, type ProcessRow } from "../../storage/repos/processes.repo.ts";
import type { Ctx } from "../context.ts";
import { PRESENCE_STALE_MS } from "../regions/presence.ts";

/** Stopped or vanished processes are listed for a day (services/regions/presence.ts removes them after a week). */
const LISTED_FOR_MS = 86_400_000;

export interface ProcessView {
  id: string;
  roles: string[];
  region: string;
  version: string;
  host: string;
  pid: number;
  startedAt: Date;
  lastSeenAt: Date;
  stoppedAt: Date | null;
  live: boolean;
}

/**
 * The installation's processes seen in the last day (their presence: services/regions/presence.ts;
 * remote probes are their organization's, listed on its probe tokens, not here). Processes serve every organization, so
 * their hosts and regions are not any one tenant's to see: only the owners of the installation,
 * that is of its first organization (the one the setup link made), may list them.
 */
export async function listProcesses(ctx: Ctx): Promise<ProcessView[]> {
  if (ctx.organizationId !== (await firstOrganizationId(ctx.db))) {
    throw new AppError(
      "FORBIDDEN",
      "Only owners of the installation's first organization may see its processes",
    );
  }
  const now = ctx.clock.now();
  const rows = await listProcessRows(ctx.db, new Date(now - LISTED_FOR_MS));
  return rows.map((r: ProcessRow) => ({
    id: r.id,
    roles: r.roles,
    region: r.region,
    version: r.version,
    host: r.host,
    pid: r.pid,
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
    stoppedAt: r.stopped_at,
    live: r.stopped_at === null && now - r.last_seen_at.getTime() <= PRESENCE_STALE_MS,
  }));
}
