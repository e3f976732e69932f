import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

export interface ProcessRow {
  id: string;
  roles: string[];
  region: string;
  version: string;
  host: string;
  pid: number;
  started_at: Date;
  last_seen_at: Date;
  stopped_at: Date | null;
  /** A remote probe's organization; null for the installation's own processes. */
  organization_id: string | null;
}

/** Registers a process (or a remote probe) or renews its row: one upsert per beat. */
export async function upsertProcess(
  db: Q,
  row: Omit<ProcessRow, "stopped_at" | "last_seen_at">,
  at: Date,
): Promise<void> {
  await db
    .insertInto("processes")
    .values({ ...row, roles: JSON.stringify(row.roles), last_seen_at: at, stopped_at: null })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({ last_seen_at: at, stopped_at: null, region: row.region, host: row.host }),
    )
    .execute();
}

export async function touchProcess(db: Q, id: string, at: Date, stopped = false): Promise<void> {
  await db
    .updateTable("processes")
    .set(stopped ? { last_seen_at: at, stopped_at: at } : { last_seen_at: at })
    .where("id", "=", id)
    .execute();
}

/** The installation's own processes (not remote probes) seen since `since`, newest start first. */
export async function listProcessRows(db: Q, since: Date): Promise<ProcessRow[]> {
  return db
    .selectFrom("processes")
    .selectAll()
    .where("last_seen_at", ">=", since)
    .where("organization_id", "is", null)
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(1_000)
    .execute();
}

/** The installation's processes of `role` in `region`, not stopped and seen since `seenSince`, other than `exceptId`. */
export async function countLiveProcesses(
  db: Q,
  where: { role: string; region: string; exceptId: string; seenSince: Date },
): Promise<number> {
  const row = await db
    .selectFrom("processes")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("organization_id", "is", null)
    .where("stopped_at", "is", null)
    .where("region", "=", where.region)
    .where("id", "!=", where.exceptId)
    .where("last_seen_at", ">=", where.seenSince)
    .where(sql<boolean>`roles ? ${where.role}`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteProcessesBefore(db: Q, before: Date): Promise<void> {
  await db.deleteFrom("processes").where("last_seen_at", "<", before).execute();
}

/** The installation's first organization: the oldest (ids are time-ordered), made by the setup link. */
export async function firstOrganizationId(db: Q): Promise<string | undefined> {
  const row = await db
    .selectFrom("organizations")
    .select("id")
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
