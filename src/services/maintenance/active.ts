import { sql } from "kysely";
import { isOpenAt } from "../../domain/maintenance-schedule.ts";
import type { Db } from "../../storage/db.ts";
import { scheduleOf } from "./store.ts";

/**
 * The monitors among these inside an open maintenance window at `nowMs`: listed by a window, or
 * carrying one of its tags. Recording calls it for every result batch (up to 1,000 results), so:
 * one query for the windows of the batch's organizations that may be open, the occurrence check
 * in memory, and only when some window is open, a second query for the batch monitors listed by
 * an open window or carrying one of their tags (matched to the window's organization in memory).
 */
export async function monitorsInMaintenance(
  tx: Db,
  monitorIds: string[],
  nowMs: number,
): Promise<Set<string>> {
  if (monitorIds.length === 0) return new Set();
  const now = new Date(nowMs);
  // One array parameter rather than a thousand: the statement stays small to send and parse.
  const batch = sql`${monitorIds}::text[]`;
  const candidates = await tx
    .selectFrom("maintenance_windows as w")
    .select(["w.id", "w.organization_id", "w.tags", "w.kind", "w.starts_at", "w.ends_at", "w.recurrence"])
    .where(
      "w.organization_id",
      "in",
      tx.selectFrom("monitors as m").select("m.organization_id").where(sql<boolean>`m.id = any(${batch})`),
    )
    // One-off windows not open now are left out here; recurring ones are checked in memory.
    .where((eb) =>
      eb.or([
        eb("w.kind", "=", "recurring"),
        eb.and([eb("w.starts_at", "<=", now), eb("w.ends_at", ">", now)]),
      ]),
    )
    .execute();
  const open = candidates.filter((w) => isOpenAt(scheduleOf(w), nowMs));
  if (open.length === 0) return new Set();

  const openIds = sql`${open.map((w) => w.id)}::text[]`;
  const openTags = [...new Set(open.flatMap((w) => w.tags))];
  const listed = sql<boolean>`exists (select 1 from maintenance_window_monitors l where l.monitor_id = m.id and l.window_id = any(${openIds}))`;
  const monitors = await tx
    .selectFrom("monitors as m")
    .select(["m.id", "m.organization_id", "m.tags", listed.as("listed")])
    .where(sql<boolean>`m.id = any(${batch})`)
    .where((eb) => eb.or([eb(sql<boolean>`m.tags && ${openTags}::text[]`, "=", true), eb(listed, "=", true)]))
    .execute();
  // Tags match within the window's own organization only.
  const tagsByOrg = new Map<string, Set<string>>();
  for (const w of open) {
    const tags = tagsByOrg.get(w.organization_id) ?? new Set();
    for (const t of w.tags) tags.add(t);
    tagsByOrg.set(w.organization_id, tags);
  }
  const covered = monitors.filter(
    (m) => m.listed || m.tags.some((t) => tagsByOrg.get(m.organization_id)?.has(t)),
  );
  return new Set(covered.map((m) => m.id));
}
