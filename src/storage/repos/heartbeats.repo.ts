import { type Kysely, type Selectable, sql } from "kysely";
import type { Monitor } from "../../domain/monitor.ts";
import type { Database } from "../schema.ts";
import type { HeartbeatPingsTable, PingKind } from "../schema-heartbeats.ts";
import { rowToMonitor } from "./monitors.repo.ts";

type Q = Kysely<Database>;
export type PingRow = Selectable<HeartbeatPingsTable>;
export type { PingKind };

/** The heartbeat monitor whose ping token this is; undefined for none (or, never expected, two). */
export async function findByPingToken(db: Q, token: string): Promise<Monitor | undefined> {
  const rows = await db
    .selectFrom("monitors")
    .selectAll()
    .where("type", "=", "heartbeat")
    .where(sql<string>`settings->'heartbeat'->>'token'`, "=", token)
    .limit(2)
    .execute();
  return rows.length === 1 ? rowToMonitor(rows[0]!) : undefined;
}

/** The organization's heartbeat monitor with this slug (the readable ping URL); undefined for none. */
export async function findBySlug(db: Q, organizationId: string, slug: string): Promise<Monitor | undefined> {
  const row = await db
    .selectFrom("monitors")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("type", "=", "heartbeat")
    .where(sql<string>`settings->'heartbeat'->>'slug'`, "=", slug)
    .executeTakeFirst();
  return row ? rowToMonitor(row) : undefined;
}

export async function insertPing(
  db: Q,
  ping: Omit<PingRow, "body" | "body_bytes"> & { body: string; body_bytes: number },
) {
  await db.insertInto("heartbeat_pings").values(ping).execute();
}

/**
 * Closes the run a finishing ping ends: the latest open start with the same `rid` (or, without a
 * rid, the latest open start without one). Returns its start time; undefined when none is open.
 */
export async function closeRun(
  db: Q,
  monitorId: string,
  rid: string | null,
  at: Date,
): Promise<Date | undefined> {
  let open = db
    .selectFrom("heartbeat_pings")
    .select(["id", "at"])
    .where("monitor_id", "=", monitorId)
    .where("kind", "=", "start")
    .where("finished_at", "is", null)
    .where("at", "<=", at)
    .orderBy("at", "desc")
    .limit(1);
  open = rid === null ? open.where("rid", "is", null) : open.where("rid", "=", rid);
  const start = await open.forUpdate().executeTakeFirst();
  if (!start) return undefined;
  await db.updateTable("heartbeat_pings").set({ finished_at: at }).where("id", "=", start.id).execute();
  return start.at;
}

/** Successes of the monitor in [from, to]. */
export async function countSuccesses(db: Q, monitorId: string, from: Date, to: Date): Promise<number> {
  const row = await db
    .selectFrom("heartbeat_pings")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("monitor_id", "=", monitorId)
    .where("at", ">=", from)
    .where("at", "<=", to)
    .where((eb) =>
      eb.or([eb("kind", "=", "success"), eb.and([eb("kind", "=", "exit"), eb("exit_status", "=", 0)])]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What the sweep needs of each unpaused heartbeat monitor: its settings, last success, open runs. */
export interface SweepRow {
  monitor: Monitor;
  lastSuccessAt: Date | null;
  openStarts: Date[];
}

export async function heartbeatsToSweep(db: Q): Promise<SweepRow[]> {
  const rows = await db
    .selectFrom("monitors")
    .selectAll("monitors")
    .select((eb) => [
      eb
        .selectFrom("heartbeat_pings as p")
        .select((e) => e.fn.max("p.at").as("m"))
        .whereRef("p.monitor_id", "=", "monitors.id")
        .where((e) =>
          e.or([e("p.kind", "=", "success"), e.and([e("p.kind", "=", "exit"), e("p.exit_status", "=", 0)])]),
        )
        .as("last_success_at"),
    ])
    .where("type", "=", "heartbeat")
    .where("paused", "=", false)
    .execute();
  if (rows.length === 0) return [];
  const open = await db
    .selectFrom("heartbeat_pings")
    .select(["monitor_id", "at"])
    .where("kind", "=", "start")
    .where("finished_at", "is", null)
    .where(
      "monitor_id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((row) => ({
    monitor: rowToMonitor(row),
    lastSuccessAt: row.last_success_at ? new Date(row.last_success_at as unknown as string) : null,
    openStarts: open.filter((o) => o.monitor_id === row.id).map((o) => new Date(o.at)),
  }));
}

/** Claims a deadline for judgement: true for exactly one caller, however many sweep at once. */
export async function claimDeadline(db: Q, monitorId: string, deadline: Date): Promise<boolean> {
  const row = await db
    .insertInto("heartbeat_judgements")
    .values({ monitor_id: monitorId, deadline_at: deadline })
    .onConflict((oc) => oc.doNothing())
    .returning("monitor_id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function listPings(
  db: Q,
  organizationId: string,
  monitorId: string,
  options: { limit: number; before?: string },
): Promise<PingRow[]> {
  let q = db
    .selectFrom("heartbeat_pings")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "=", monitorId)
    .orderBy("id", "desc")
    .limit(options.limit);
  if (options.before) q = q.where("id", "<", options.before);
  return q.execute();
}

export async function findPing(
  db: Q,
  organizationId: string,
  monitorId: string,
  id: string,
): Promise<PingRow | undefined> {
  return db
    .selectFrom("heartbeat_pings")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "=", monitorId)
    .where("id", "=", id)
    .executeTakeFirst();
}
