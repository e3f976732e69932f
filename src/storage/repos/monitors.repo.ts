import type { Kysely, Selectable } from "kysely";
import type { Monitor, MonitorDefinition, MonitorType } from "../../domain/monitor.ts";
import { pickSettings } from "../../domain/monitor.ts";
import type { Database, MonitorsTable } from "../schema.ts";

type Q = Kysely<Database>;

export interface MonitorFilter {
  type?: MonitorType;
  state?: string;
  tag?: string;
  q?: string;
}

export function rowToMonitor(row: Selectable<MonitorsTable>): Monitor {
  // settings holds exactly the blocks pickSettings wrote for this row's type.
  return {
    ...(row.settings as object),
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    type: row.type as MonitorType,
    target: row.target,
    assertions: row.assertions,
    intervalSeconds: row.interval_seconds,
    timeoutMs: row.timeout_ms,
    regions: row.regions,
    failuresBeforeDown: row.failures_before_down,
    successesBeforeUp: row.successes_before_up,
    tags: row.tags,
    description: row.description,
    runbookUrl: row.runbook_url,
    certExpiryDays: row.cert_expiry_days,
    quorum: row.quorum,
    paused: row.paused,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as Monitor;
}

export function definitionColumns(d: MonitorDefinition) {
  return {
    name: d.name,
    type: d.type,
    target: d.target,
    settings: JSON.stringify(pickSettings(d)),
    assertions: JSON.stringify(d.assertions),
    interval_seconds: d.intervalSeconds,
    timeout_ms: d.timeoutMs,
    regions: d.regions,
    failures_before_down: d.failuresBeforeDown,
    successes_before_up: d.successesBeforeUp,
    tags: d.tags,
    description: d.description,
    runbook_url: d.runbookUrl,
    cert_expiry_days: d.certExpiryDays ?? null,
    quorum: d.quorum ?? null,
    // The caller sealed the definition's secrets (services/monitors/secrets.ts).
    secrets_plain: false,
  };
}

export async function insertMonitor(
  db: Q,
  m: { id: string; organizationId: string; paused: boolean; at: Date },
  d: MonitorDefinition,
): Promise<Monitor> {
  const row = await db
    .insertInto("monitors")
    .values({
      id: m.id,
      organization_id: m.organizationId,
      paused: m.paused,
      created_at: m.at,
      updated_at: m.at,
      ...definitionColumns(d),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToMonitor(row);
}

export async function findMonitor(db: Q, organizationId: string, id: string, forUpdate = false) {
  let query = db
    .selectFrom("monitors")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? rowToMonitor(row) : undefined;
}

/** Monitors by id, across organizations: for the scheduler, which serves every organization. */
export async function findMonitorsByIds(
  db: Q,
  ids: string[],
): Promise<Array<{ monitor: Monitor; revision: number }>> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("monitors").selectAll().where("id", "in", ids).execute();
  return rows.map((row) => ({ monitor: rowToMonitor(row), revision: row.revision }));
}

export async function updateMonitorRow(
  db: Q,
  organizationId: string,
  id: string,
  changes: Partial<ReturnType<typeof definitionColumns>> & { paused?: boolean; updated_at: Date },
): Promise<Monitor | undefined> {
  const row = await db
    .updateTable("monitors")
    .set((eb) => ({ ...changes, revision: eb("revision", "+", 1) }))
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row ? rowToMonitor(row) : undefined;
}

/** Counts one more monitor for the organization unless it is at `limit`; false when it is. */
export async function reserveMonitorSlot(db: Q, organizationId: string, limit: number): Promise<boolean> {
  const row = await db
    .updateTable("organizations")
    .set((eb) => ({ monitor_count: eb("monitor_count", "+", 1) }))
    .where("id", "=", organizationId)
    .where("monitor_count", "<", limit)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes a monitor with its whole history (results and rollups have no foreign key, for speed). */
export async function deleteMonitorWithHistory(db: Q, organizationId: string, id: string): Promise<boolean> {
  const res = await db
    .deleteFrom("monitors")
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (res.numDeletedRows === 0n) return false;
  await db.deleteFrom("check_results").where("monitor_id", "=", id).execute();
  await db.deleteFrom("check_result_blocks").where("monitor_id", "=", id).execute();
  await db.deleteFrom("rollups_hourly").where("monitor_id", "=", id).execute();
  await db.deleteFrom("rollups_daily").where("monitor_id", "=", id).execute();
  await db.deleteFrom("rollup_blocks").where("monitor_id", "=", id).execute();
  await db
    .updateTable("organizations")
    .set((eb) => ({ monitor_count: eb("monitor_count", "-", 1) }))
    .where("id", "=", organizationId)
    .execute();
  return true;
}

/** Keyset page of monitors with their state, newest first (ids are time-ordered). */
export async function listMonitorRows(
  db: Q,
  organizationId: string,
  filter: MonitorFilter,
  page: { after?: string; limit: number },
) {
  let query = db
    .selectFrom("monitors as m")
    .innerJoin("monitor_state as s", "s.monitor_id", "m.id")
    .selectAll("m")
    .select(["s.state", "s.since", "s.last_checked_at", "s.last_status"])
    .where("m.organization_id", "=", organizationId);
  if (filter.type) query = query.where("m.type", "=", filter.type);
  if (filter.state) query = query.where("s.state", "=", filter.state);
  if (filter.tag) query = query.where((eb) => eb(eb.val(filter.tag), "=", eb.fn.any("m.tags")));
  if (filter.q) query = query.where("m.name", "ilike", `%${escapeLike(filter.q)}%`);
  if (page.after) query = query.where("m.id", "<", page.after);
  return query
    .orderBy("m.id", "desc")
    .limit(page.limit + 1)
    .execute();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Monitors whose secrets are still plain text (written before migration 0017), a batch at a time. */
export async function listPlainSecretRows(db: Q, limit: number) {
  return db
    .selectFrom("monitors")
    .select(["id", "type", "settings"])
    .where("secrets_plain", "=", true)
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Stores a row's settings with its secrets sealed, unless the row was written meanwhile (an
 * update seals its own and clears the mark, and must not be overwritten with older settings).
 */
export async function storeSealedSettings(db: Q, id: string, settings: Record<string, unknown>) {
  await db
    .updateTable("monitors")
    .set({ settings: JSON.stringify(settings), secrets_plain: false })
    .where("id", "=", id)
    .where("secrets_plain", "=", true)
    .execute();
}
