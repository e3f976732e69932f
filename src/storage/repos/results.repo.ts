import { type Kysely, sql, type Transaction } from "kysely";
import type { AssertionVerdict } from "../../domain/assertion.ts";
import type { CheckResult } from "../../domain/check-result.ts";
import type { Database } from "../schema.ts";

type Q = Kysely<Database>;

/** Keeps a stored row small: timings to 0.01 ms, error text capped. */
const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 100) / 100);
const MAX_ERROR_CHARS = 300;

/**
 * Inserts a batch of results, inside the caller's transaction. A slot's result can be stored once:
 * rows whose (monitor, region, slot) already exist are skipped, and only the newly stored keys are
 * returned.
 */
export async function insertResults(tx: Transaction<Database>, results: CheckResult[]): Promise<Set<string>> {
  if (results.length === 0) return new Set();
  const column = <T>(pick: (r: CheckResult) => T) => results.map(pick);
  const monitorIds = column((r) => r.monitorId);
  const regions = column((r) => r.region);
  const slots = column((r) => new Date(r.slotAt).toISOString());
  // One array per column through unnest: the statement's text is the same for every batch size,
  // so it is parsed and planned once, and a batch is sixteen parameters, not sixteen per row.
  const inserted = await sql`
    INSERT INTO check_results (organization_id, monitor_id, region, slot_at, lateness_ms, manual,
      status, status_code, dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, error_kind, error, verdicts)
    SELECT * FROM unnest(
      ${column((r) => r.organizationId)}::text[], ${monitorIds}::text[], ${regions}::text[],
      ${slots}::timestamptz[],
      ${column((r) => Math.max(0, Math.round(r.startedAt - r.slotAt)))}::int[],
      ${column((r) => r.manual)}::boolean[], ${column((r) => r.status)}::text[],
      ${column((r) => r.statusCode ?? null)}::smallint[],
      ${column((r) => round(r.timings.dns))}::real[], ${column((r) => round(r.timings.connect))}::real[],
      ${column((r) => round(r.timings.tls))}::real[], ${column((r) => round(r.timings.firstByte))}::real[],
      ${column((r) => round(r.timings.total) ?? 0)}::real[], ${column((r) => r.error?.kind ?? null)}::text[],
      ${column((r) => (r.error ? r.error.message.slice(0, MAX_ERROR_CHARS) : null))}::text[],
      ${column((r) => (r.verdicts.length > 0 ? JSON.stringify(r.verdicts.map(encodeVerdict)) : null))}::jsonb[]
    )
    ON CONFLICT (monitor_id, region, slot_at) DO NOTHING
  `.execute(tx);
  // Nearly always every row is new, and the keys are known without reading any back.
  if (Number(inserted.numAffectedRows) === results.length) {
    return new Set(results.map((r) => resultKey(r.monitorId, r.region, r.slotAt)));
  }
  // A redelivery: the new rows are those this transaction wrote (their xmin is its id).
  const fresh = await sql<{ monitor_id: string; region: string; slot_at: Date }>`
    SELECT c.monitor_id, c.region, c.slot_at
    FROM check_results c
    JOIN unnest(${monitorIds}::text[], ${regions}::text[], ${slots}::timestamptz[]) AS k(monitor_id, region, slot_at)
      ON c.monitor_id = k.monitor_id AND c.region = k.region AND c.slot_at = k.slot_at
    WHERE c.xmin = pg_current_xact_id()::xid
  `.execute(tx);
  return new Set(fresh.rows.map((r) => resultKey(r.monitor_id, r.region, r.slot_at.getTime())));
}

/**
 * Verdicts are stored as arrays, `[assertion, ok, actual]` plus `"soft"` for soft ones: the same
 * facts as the objects the API shows, at about half the bytes (a result row is written per check).
 */
type StoredVerdict = [string, boolean, AssertionVerdict["actual"]?, "soft"?];

function encodeVerdict(v: AssertionVerdict): StoredVerdict {
  const stored: StoredVerdict = [v.assertion, v.ok, v.actual ?? null];
  if (v.severity === "soft") stored.push("soft");
  return stored;
}

export function decodeVerdicts(stored: unknown[] | null): AssertionVerdict[] {
  return ((stored ?? []) as StoredVerdict[]).map(([assertion, ok, actual, soft]) => ({
    assertion,
    ok,
    severity: soft === "soft" ? "soft" : "hard",
    actual: actual ?? null,
  }));
}

export function resultKey(monitorId: string, region: string, slotAt: number): string {
  return `${monitorId}|${region}|${slotAt}`;
}

export async function listResultRows(
  db: Q,
  organizationId: string,
  monitorId: string,
  range: { from?: Date; to?: Date; before?: Date; status?: string },
  limit: number,
) {
  let query = db
    .selectFrom("check_results")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("monitor_id", "=", monitorId);
  if (range.from) query = query.where("slot_at", ">=", range.from);
  if (range.to) query = query.where("slot_at", "<", range.to);
  if (range.before) query = query.where("slot_at", "<", range.before);
  if (range.status) query = query.where("status", "=", range.status);
  return query
    .orderBy("slot_at", "desc")
    .orderBy("region")
    .limit(limit + 1)
    .execute();
}

/**
 * Deletes these monitors' raw results older than `before`. By monitor, so the primary key
 * `(monitor_id, region, slot_at)` finds them: the table needs no second index on time.
 */
export async function deleteResultsBefore(db: Q, monitorIds: string[], before: Date): Promise<number> {
  const res = await db
    .deleteFrom("check_results")
    .where("monitor_id", "in", monitorIds)
    .where("slot_at", "<", before)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
