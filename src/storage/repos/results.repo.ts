import { type Kysely, sql, type Transaction } from "kysely";
import type { AssertionVerdict } from "../../domain/assertion.ts";
import type { CheckResult } from "../../domain/check-result.ts";
import type { Database } from "../schema.ts";
import { deleteBlocksBefore } from "./result-blocks.repo.ts";

type Q = Kysely<Database>;

/** Keeps a stored row small: timings to 0.01 ms, error text capped. */
const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 100) / 100);
const MAX_ERROR_CHARS = 300;

/** Results older than this may already be packed into blocks (0015): they are looked up there. */
const PACKED_AFTER_MS = 3_600_000;

/**
 * Inserts a batch of results, inside the caller's transaction. A slot's result can be stored once:
 * rows whose (monitor, region, slot) already exist are skipped, and only the newly stored keys are
 * returned. A result more than an hour older than `now` (a redelivery after a long outage) is
 * also looked for among the packed blocks.
 */
export async function insertResults(
  tx: Transaction<Database>,
  all: CheckResult[],
  now: number,
): Promise<Set<string>> {
  const results = await withoutPacked(tx, all, now);
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

async function withoutPacked(tx: Transaction<Database>, results: CheckResult[], now: number) {
  const old = results.filter((r) => r.slotAt < now - PACKED_AFTER_MS);
  if (old.length === 0) return results;
  const found = await sql<{ monitor_id: string; region: string; slot_at: Date }>`
    SELECT c.monitor_id, c.region, c.slot_at
    FROM check_result_block_rows c
    JOIN unnest(${old.map((r) => r.monitorId)}::text[], ${old.map((r) => r.region)}::text[],
      ${old.map((r) => new Date(r.slotAt).toISOString())}::timestamptz[]) AS k(monitor_id, region, slot_at)
      ON c.monitor_id = k.monitor_id AND c.region = k.region AND c.slot_at = k.slot_at
        AND c.block_hour = date_trunc('hour', k.slot_at, 'UTC')`.execute(tx);
  if (found.rows.length === 0) return results;
  const packed = new Set(found.rows.map((r) => resultKey(r.monitor_id, r.region, r.slot_at.getTime())));
  return results.filter((r) => !packed.has(resultKey(r.monitorId, r.region, r.slotAt)));
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

const HOUR = 3_600_000;
/** Hours a results page looks back at first; each further try looks eight times as far. */
const FIRST_WINDOW_MS = 2 * HOUR;
const RESULT_COLUMNS = [
  "organization_id",
  "monitor_id",
  "region",
  "slot_at",
  "lateness_ms",
  "manual",
  "status",
  "status_code",
  "dns_ms",
  "connect_ms",
  "tls_ms",
  "ttfb_ms",
  "total_ms",
  "error_kind",
  "error",
  "verdicts",
] as const;

/**
 * A page of a monitor's results (newest first), `limit + 1` rows. The raw rows are read first, as
 * they always were: when they fill the page and are all newer than the monitor's packed hours
 * (the common case: the latest page), that is the page. Otherwise packed hours are unpacked only
 * where the page can be: the whole range when it has a start, else the newest two hours first,
 * then windows eight times as long, until the page is full or the oldest result is reached.
 */
export async function listResultRows(
  db: Q,
  organizationId: string,
  monitorId: string,
  range: { from?: Date; to?: Date; before?: Date; status?: string },
  limit: number,
) {
  const filtered = (table: "check_results" | "check_history", top: Date | undefined) => {
    let query = db
      .selectFrom(table as "check_history")
      .select(RESULT_COLUMNS)
      .where("organization_id", "=", organizationId)
      .where("monitor_id", "=", monitorId);
    if (range.from) query = query.where("slot_at", ">=", range.from);
    if (top) query = query.where("slot_at", "<", top);
    if (range.status) query = query.where("status", "=", range.status);
    return query;
  };
  const ends = [range.to, range.before].filter((d): d is Date => d !== undefined).map((d) => d.getTime());
  const end = ends.length > 0 ? new Date(Math.min(...ends)) : undefined;
  const raw = await filtered("check_results", end)
    .orderBy("slot_at", "desc")
    .orderBy("region")
    .limit(limit + 1)
    .execute();
  const packedUntil = await newestBlockEnd(db, monitorId);
  if (packedUntil === undefined || (raw.length > limit && raw.at(-1)!.slot_at.getTime() >= packedUntil)) {
    return raw;
  }
  const stored = await storedSpan(db, monitorId);
  if (!stored) return [];
  const top = Math.min(stored.newest + 1, end?.getTime() ?? Number.POSITIVE_INFINITY);
  const floor = Math.max(range.from?.getTime() ?? stored.oldest, stored.oldest);
  for (let span = range.from ? top - floor : FIRST_WINDOW_MS; ; span *= 8) {
    const low = top - span;
    let query = filtered("check_history", new Date(top)).where("block_hour", "<", new Date(top));
    const start = Math.max(low, floor);
    query = query
      .where("slot_at", ">=", new Date(start))
      .where("block_hour", ">=", new Date(Math.floor(start / HOUR) * HOUR));
    const rows = await query
      .orderBy("slot_at", "desc")
      .orderBy("region")
      .limit(limit + 1)
      .execute();
    if (rows.length > limit || low <= floor) return rows;
  }
}

/** The end of a monitor's newest packed hour (ms), or undefined when none is packed. */
async function newestBlockEnd(db: Q, monitorId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("check_result_blocks")
    .select((eb) => eb.fn.max("hour").as("hour"))
    .where("monitor_id", "=", monitorId)
    .executeTakeFirst();
  return row?.hour ? new Date(row.hour).getTime() + HOUR : undefined;
}

/** The earliest and latest stored result of a monitor, raw or packed (ms; a block counts as its hour). */
async function storedSpan(db: Q, monitorId: string): Promise<{ oldest: number; newest: number } | undefined> {
  const row = await sql<{ oldest: Date | null; newest: Date | null }>`
    SELECT least((SELECT min(slot_at) FROM check_results WHERE monitor_id = ${monitorId}),
        (SELECT min(hour) FROM check_result_blocks WHERE monitor_id = ${monitorId})) AS oldest,
      greatest((SELECT max(slot_at) FROM check_results WHERE monitor_id = ${monitorId}),
        (SELECT max(hour) + interval '1 hour' FROM check_result_blocks WHERE monitor_id = ${monitorId})) AS newest
  `.execute(db);
  const r = row.rows[0];
  if (!r?.oldest || !r.newest) return undefined;
  return { oldest: new Date(r.oldest).getTime(), newest: new Date(r.newest).getTime() };
}

/**
 * Deletes these monitors' results older than `before`, raw and packed. By monitor, so the
 * primary keys `(monitor_id, region, …)` find them: the tables need no second index on time.
 */
export async function deleteResultsBefore(db: Q, monitorIds: string[], before: Date): Promise<number> {
  const res = await db
    .deleteFrom("check_results")
    .where("monitor_id", "in", monitorIds)
    .where("slot_at", "<", before)
    .executeTakeFirst();
  return Number(res.numDeletedRows) + (await deleteBlocksBefore(db, monitorIds, before));
}
