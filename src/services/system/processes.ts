import { hostname } from "node:os";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import {
  deleteProcessesBefore,
  firstOrganizationId,
  insertProcess,
  listProcessRows,
  type ProcessRow,
  touchProcess,
} from "../../storage/repos/processes.repo.ts";
import type { Ctx, Runtime } from "../context.ts";

/** How often a process renews its row. */
export const PROCESS_HEARTBEAT_MS = 10_000;
/** A process not seen for this long is shown as not live (three missed heartbeats). */
const LIVE_WITHIN_MS = 3 * PROCESS_HEARTBEAT_MS;
/** Stopped or vanished processes are listed for a day, and their rows removed after a week. */
const LISTED_FOR_MS = 86_400_000;
const KEPT_FOR_MS = 7 * 86_400_000;

export interface ProcessInfo {
  roles: string[];
  region: string;
  version: string;
}

/**
 * Registers this process (its roles, region, version, host) and renews its row every
 * PROCESS_HEARTBEAT_MS until `stop()`, which marks it stopped. A renewal that fails (the database
 * is away) is retried at the next beat; the process is shown as not live meanwhile.
 */
export async function startProcessHeartbeat(
  rt: Runtime,
  info: ProcessInfo,
  everyMs = PROCESS_HEARTBEAT_MS,
): Promise<{ id: string; stop(): Promise<void> }> {
  const now = new Date(rt.clock.now());
  const id = newId("prc", now.getTime());
  await deleteProcessesBefore(rt.db, new Date(now.getTime() - KEPT_FOR_MS));
  await insertProcess(rt.db, {
    id,
    ...info,
    host: hostname(),
    pid: process.pid,
    started_at: now,
    last_seen_at: now,
  });
  const timer = setInterval(() => {
    touchProcess(rt.db, id, new Date(rt.clock.now())).catch((err: unknown) =>
      rt.log.warn({ err, category: "lifecycle" }, "process heartbeat failed"),
    );
  }, everyMs);
  timer.unref();
  return {
    id,
    stop: async () => {
      clearInterval(timer);
      await touchProcess(rt.db, id, new Date(rt.clock.now()), true).catch(() => {});
    },
  };
}

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
 * The installation's processes seen in the last day. Processes serve every organization, so
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
    live: r.stopped_at === null && now - r.last_seen_at.getTime() <= LIVE_WITHIN_MS,
  }));
}
