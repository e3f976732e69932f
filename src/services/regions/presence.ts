import { hostname } from "node:os";
import { sql } from "kysely";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { deleteProcessesBefore, touchProcess, upsertProcess } from "../../storage/repos/processes.repo.ts";

/**
 * Presence, kept once (migration 0024): every process of the installation renews its row in
 * `processes` every PRESENCE_EVERY_MS, and so does every remote probe agent through its claims.
 * The same rows answer `GET /api/v1/system/processes` (services/system/processes.ts) and whether a
 * region is live (below).
 *
 * - An in-cluster process (`organization_id` null) serves the installation's **local** regions:
 *   its probe role makes the region named by its `REGION` live in every organization that
 *   declared that name as local (or uses it as the server's own region).
 * - A remote probe's row carries its token's organization: it makes that organization's
 *   **remote** region of that name live, and no other organization's.
 */

/** How often a process (and a claiming remote probe) says it is alive. */
export const PRESENCE_EVERY_MS = 5_000;
/** A process not seen for this long is not live; a region with no other live probe is silent. */
export const PRESENCE_STALE_MS = 20_000;
/** Rows of processes gone for this long are removed. */
const PRESENCE_FORGET_MS = 7 * 86_400_000;

/** One probe, as it reports itself. */
export interface ProbeIdentity {
  probeId: string;
  region: string;
  host: string;
  startedAt: number;
  /** A remote probe's organization (its token's); absent for a probe of this installation. */
  organizationId?: string;
  version?: string;
}

/**
 * Records that this probe is alive now (one upsert of its row). main.ts beats a whole process
 * through `startPresence`; this is for a probe that is not one of this installation's processes
 * (a remote agent, seen through its claims) and for tests.
 */
export async function beatProbe(db: Db, probe: ProbeIdentity, nowMs: number): Promise<void> {
  await upsertProcess(
    db,
    {
      id: probe.probeId,
      roles: ["probe"],
      region: probe.region,
      version: probe.version ?? "remote",
      host: probe.host,
      pid: 0,
      started_at: new Date(probe.startedAt),
      organization_id: probe.organizationId ?? null,
    },
    new Date(nowMs),
  );
}

/** This process's presence: `beat()` renews its row (the first one registers it), `stop()` marks it stopped. */
export interface ProcessPresence {
  id: string;
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The presence of this process: its roles, region and version, on this host. Nothing is written
 * until the first `beat()`; rows of processes gone for a week are removed then. The caller runs the
 * timer (probe/presence.ts), so a probe is live from its first beat and its /readyz follows them.
 */
export function processPresence(
  db: Db,
  info: { roles: string[]; region: string; version: string },
  now: () => number,
): ProcessPresence {
  const startedAt = now();
  const id = newId("prc", startedAt);
  let registered = false;
  return {
    id,
    beat: async () => {
      const at = now();
      if (!registered) await deleteProcessesBefore(db, new Date(at - PRESENCE_FORGET_MS));
      await upsertProcess(
        db,
        {
          id,
          ...info,
          host: hostname(),
          pid: process.pid,
          started_at: new Date(startedAt),
          organization_id: null,
        },
        new Date(at),
      );
      registered = true;
    },
    stop: async () => {
      await touchProcess(db, id, new Date(now()), true);
    },
  };
}

/** What is known of a region's probes: how many are live, and when one was last seen. */
export interface RegionLiveness {
  probes: number;
  lastSeen: Date | null;
}

/** The key of `livenessOf`'s map. */
export function regionKey(organizationId: string, region: string): string {
  return `${organizationId}\u0000${region}`;
}

/**
 * The live probes (seen within PRESENCE_STALE_MS of `nowMs`, not stopped) of each asked region of
 * each organization, and the last time any of its probes was seen, keyed by `regionKey`. A remote
 * region counts its organization's remote probes only; any other (a local region, or the
 * server's own region that was never declared) counts the installation's probe processes of that
 * name. A region absent from the map never had a probe.
 */
export async function livenessOf(
  db: Db,
  nowMs: number,
  regions: ReadonlyArray<{ organizationId: string; region: string }>,
): Promise<Map<string, RegionLiveness>> {
  if (regions.length === 0) return new Map();
  const liveAfter = new Date(nowMs - PRESENCE_STALE_MS).toISOString();
  const orgs = regions.map((r) => r.organizationId);
  const names = regions.map((r) => r.region);
  const rows = await sql<{ org: string; region: string; probes: number; last_seen: Date | string }>`
    SELECT q.org, q.region,
      count(*) FILTER (WHERE p.stopped_at IS NULL AND p.last_seen_at >= ${liveAfter}::timestamptz)::int AS probes,
      max(p.last_seen_at) AS last_seen
    FROM (SELECT DISTINCT * FROM unnest(${orgs}::text[], ${names}::text[]) AS u(org, region)) q
    LEFT JOIN regions r ON r.organization_id = q.org AND r.name = q.region
    JOIN processes p ON p.region = q.region AND p.roles @> '["probe"]'::jsonb
      AND (CASE WHEN r.kind = 'remote' THEN p.organization_id = q.org ELSE p.organization_id IS NULL END)
    GROUP BY q.org, q.region
  `.execute(db);
  return new Map(
    rows.rows.map((r) => [
      regionKey(r.org, r.region),
      { probes: Number(r.probes), lastSeen: new Date(r.last_seen) },
    ]),
  );
}

/** `livenessOf` for some regions of one organization, keyed by region name. */
export async function regionLiveness(
  db: Db,
  nowMs: number,
  organizationId: string,
  regions: readonly string[],
): Promise<Map<string, RegionLiveness>> {
  const found = await livenessOf(
    db,
    nowMs,
    regions.map((region) => ({ organizationId, region })),
  );
  return new Map(
    regions.flatMap((name) => {
      const seen = found.get(regionKey(organizationId, name));
      return seen ? [[name, seen] as const] : [];
    }),
  );
}
