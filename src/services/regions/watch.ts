import { sql } from "kysely";
import { isProbed, MONITOR_TYPES } from "../../monitor-types/types.ts";
import type { Runtime } from "../context.ts";
import { deliver } from "../mail/messages.ts";
import { regionSilentMail } from "../mail/templates.ts";
import { livenessOf, regionKey } from "./presence.ts";

/** A region declared less than this long ago is given time for its first probe to start. */
export const REGION_GRACE_MS = 60_000;

/** A region whose silence changed in this pass, and the organization it belongs to. */
export interface RegionChange {
  organizationId: string;
  region: string;
  change: "silent" | "back";
  lastSeen: Date | null;
  monitors: number;
}

/**
 * Finds each organization's regions that active monitors are checked from and that have no
 * live probe, marks them silent and tells the organization's owners and admins, once per
 * silence (the compare on `silent_since` makes one watcher win); and tells them again when a
 * probe is back. Never a silent skip: the region also shows `silent` in the API meanwhile.
 */
export async function watchRegions(rt: Runtime, graceMs = REGION_GRACE_MS): Promise<RegionChange[]> {
  const nowMs = rt.clock.now();
  const now = new Date(nowMs);
  const probed = MONITOR_TYPES.filter((t) => isProbed(t));
  const used = await sql<{
    organization_id: string;
    name: string;
    silent_since: Date | null;
    created_at: Date;
    monitors: number;
  }>`
    SELECT r.organization_id, r.name, r.silent_since, r.created_at, count(m.id)::int AS monitors
    FROM regions r
    LEFT JOIN monitors m ON m.organization_id = r.organization_id AND r.name = any(m.regions)
      AND NOT m.paused AND m.type = any(${probed}::text[])
    GROUP BY r.organization_id, r.name, r.silent_since, r.created_at
  `.execute(rt.db);
  const live = await livenessOf(
    rt.db,
    nowMs,
    used.rows.map((r) => ({ organizationId: r.organization_id, region: r.name })),
  );
  const changes: RegionChange[] = [];
  for (const r of used.rows) {
    const seen = live.get(regionKey(r.organization_id, r.name));
    const isLive = (seen?.probes ?? 0) > 0;
    const base = {
      organizationId: r.organization_id,
      region: r.name,
      lastSeen: seen?.lastSeen ?? null,
      monitors: r.monitors,
    };
    if (!isLive && r.silent_since === null && r.monitors > 0 && nowMs - r.created_at.getTime() >= graceMs) {
      if (await mark(rt, r.organization_id, r.name, now, "silent"))
        changes.push({ ...base, change: "silent" });
    } else if (isLive && r.silent_since !== null) {
      if (await mark(rt, r.organization_id, r.name, now, "back")) changes.push({ ...base, change: "back" });
    }
  }
  for (const c of changes) await tellAdmins(rt, c);
  return changes;
}

/** Flips `silent_since`; true when this call did it (another watcher may have been first). */
async function mark(
  rt: Runtime,
  organizationId: string,
  name: string,
  now: Date,
  change: RegionChange["change"],
) {
  const q = rt.db
    .updateTable("regions")
    .set({ silent_since: change === "silent" ? now : null })
    .where("organization_id", "=", organizationId)
    .where("name", "=", name)
    .where("silent_since", change === "silent" ? "is" : "is not", null)
    .returning("name");
  return (await q.executeTakeFirst()) !== undefined;
}

async function tellAdmins(rt: Runtime, c: RegionChange): Promise<void> {
  const log = rt.log.child({ category: "scheduler" });
  const fields = {
    organizationId: c.organizationId,
    region: c.region,
    lastSeen: c.lastSeen,
    monitors: c.monitors,
  };
  if (c.change === "silent") log.warn(fields, "region has no live probe: its monitors count it as unknown");
  else log.info(fields, "region has a live probe again");
  if (!rt.mailer.enabled) return;
  const admins = await rt.db
    .selectFrom("memberships as ms")
    .innerJoin("users as u", "u.id", "ms.user_id")
    .innerJoin("organizations as o", "o.id", "ms.organization_id")
    .select(["u.email", "o.name as org_name"])
    .where("ms.organization_id", "=", c.organizationId)
    .where("ms.role", "in", ["owner", "admin"])
    .execute();
  for (const a of admins) {
    const mail = regionSilentMail({ ...c, organizationName: a.org_name, publicUrl: rt.auth.publicUrl });
    await deliver(rt, a.email, mail, `region.${c.change}`);
  }
}
