import { sql } from "kysely";
import { occurrencesBetween } from "../../domain/maintenance-schedule.ts";
import type { Db } from "../../storage/db.ts";
import { listedMonitors, scheduleOf } from "./store.ts";

/** The longest range asked at once: enough for a status page's "upcoming" list. */
export const MAX_BETWEEN_DAYS = 366;

/** One occurrence of a window with the monitors it covers. */
export interface MaintenanceOccurrence {
  windowId: string;
  title: string;
  description: string | null;
  startsAt: Date;
  endsAt: Date;
  /** Listed by the window or carrying one of its tags, as of now; sorted. */
  monitorIds: string[];
}

/**
 * The organization's maintenance occurrences overlapping [fromMs, untilMs), in start order, each
 * with the monitors it covers (for status pages: ongoing and upcoming maintenance). The range is
 * capped at MAX_BETWEEN_DAYS; a window with nothing covered is left out.
 */
export async function maintenanceBetween(
  db: Db,
  organizationId: string,
  fromMs: number,
  untilMs: number,
): Promise<MaintenanceOccurrence[]> {
  const until = Math.min(untilMs, fromMs + MAX_BETWEEN_DAYS * 86_400_000);
  if (until <= fromMs) return [];
  const windows = await db
    .selectFrom("maintenance_windows")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where((eb) =>
      eb.or([
        eb("kind", "=", "recurring"),
        eb.and([eb("starts_at", "<", new Date(until)), eb("ends_at", ">", new Date(fromMs))]),
      ]),
    )
    .execute();
  if (windows.length === 0) return [];
  const listed = await listedMonitors(
    db,
    windows.map((w) => w.id),
  );
  const tagged = await monitorsByTag(db, organizationId, [...new Set(windows.flatMap((w) => w.tags))]);

  const out: MaintenanceOccurrence[] = [];
  for (const w of windows) {
    const covered = new Set(listed.get(w.id));
    for (const tag of w.tags) for (const id of tagged.get(tag) ?? []) covered.add(id);
    if (covered.size === 0) continue;
    const monitorIds = [...covered].sort();
    for (const o of occurrencesBetween(scheduleOf(w), fromMs, until)) {
      out.push({
        windowId: w.id,
        title: w.title,
        description: w.description,
        startsAt: new Date(o.startMs),
        endsAt: new Date(o.endMs),
        monitorIds,
      });
    }
  }
  return out.sort(
    (a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.windowId.localeCompare(b.windowId),
  );
}

/** The organization's monitors carrying each of these tags. */
async function monitorsByTag(db: Db, organizationId: string, tags: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (tags.length === 0) return out;
  const rows = await db
    .selectFrom("monitors")
    .select(["id", "tags"])
    .where("organization_id", "=", organizationId)
    .where(sql<boolean>`tags && array[${sql.join(tags)}]::text[]`)
    .execute();
  const wanted = new Set(tags);
  for (const m of rows) {
    for (const t of m.tags) if (wanted.has(t)) out.set(t, [...(out.get(t) ?? []), m.id]);
  }
  return out;
}
