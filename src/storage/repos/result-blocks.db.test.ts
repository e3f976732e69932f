import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { applyRetention, packClosedHours, refreshRollups } from "../../services/checks/maintain.ts";
import { listResults } from "../../services/checks/query.ts";
import { recordResults } from "../../services/checks/record-results.ts";
import { createMonitor } from "../../services/monitors/create.ts";
import { monitorSummaries } from "../../services/monitors/summaries.ts";
import { createRegion } from "../../services/regions/regions.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2032, 2, 1);
const STATUSES: ResultStatus[] = ["up", "up", "up", "degraded", "down", "unknown"];

/** Results of every kind: phases or none, errors, verdicts with varying and repeated actuals. */
function makeResult(monitorId: string, organizationId: string, i: number, region = "eu"): CheckResult {
  const status = STATUSES[i % STATUSES.length]!;
  const slotAt = T0 + i * MIN + (i % 7);
  const failed = status === "down";
  return {
    monitorId,
    organizationId,
    region,
    slotAt,
    startedAt: slotAt + (i % 13) * 11,
    manual: i % 17 === 0,
    status,
    statusCode: failed || status === "unknown" ? undefined : i % 2 ? 200 : 503,
    timings: failed
      ? { total: 5000 }
      : { dns: i % 3 ? 1.25 : undefined, connect: 2.5, tls: 7.75, firstByte: 30 + i, total: 40.5 + i },
    error: failed ? { kind: i % 2 ? "timeout" : "refused", message: `failure ${i % 4}` } : undefined,
    verdicts:
      status === "degraded"
        ? [
            { assertion: "status in [200]", ok: true, severity: "hard", actual: 200 },
            { assertion: "latency.total < 40", ok: false, severity: "soft", actual: 40 + i },
          ]
        : failed
          ? []
          : [{ assertion: "status in [200]", ok: true, severity: "hard", actual: 200 }],
  };
}

const TIMINGS = ["dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "total_ms"] as const;

function withoutTimings<T extends Record<(typeof TIMINGS)[number], unknown>>(row: T) {
  const copy: Record<string, unknown> = { ...row };
  for (const field of TIMINGS) delete copy[field];
  return copy;
}

/** A packed timing reads back within 0.005 ms (its rounding) + 0.031 % (half a step) of what was stored. */
function expectPackedTiming(packed: number | null, stored: number | null): void {
  if (stored === null) {
    expect(packed).toBeNull();
    return;
  }
  expect(packed).not.toBeNull();
  expect(Math.abs(packed! - stored)).toBeLessThanOrEqual(0.0051 + stored * 0.000313);
}

describe.each(DB_KINDS)("packed results (0015, 0025) on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(T0);
  let monitorId: string;
  let other: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    for (const name of ["eu", "us"]) await createRegion(up.ctx, { name, kind: "local", description: null });
    monitorId = (await createMonitor(up.ctx, monitorDefinition({ name: "packed", regions: ["eu", "us"] })))
      .id;
    other = (await createMonitor(up.ctx, monitorDefinition({ name: "other" }))).id;
  });
  afterAll(async () => up?.close());

  const history = (id: string) =>
    up.rt.db
      .selectFrom("check_history")
      .select([
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
      ])
      .where("monitor_id", "=", id)
      .orderBy("slot_at")
      .orderBy("region")
      .execute();
  const count = async (table: "check_results" | "check_result_blocks", id: string) =>
    Number(
      (
        await up.rt.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .where("monitor_id", "=", id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("packs closed hours into one block per monitor, region and hour, and reads back every field as stored", async () => {
    // Four hours of the monitor from two regions, and of another monitor.
    const results = Array.from({ length: 240 }, (_, i) => makeResult(monitorId, up.organizationId, i));
    results.push(
      ...Array.from({ length: 120 }, (_, i) => makeResult(monitorId, up.organizationId, i * 2, "us")),
    );
    results.push(...Array.from({ length: 60 }, (_, i) => makeResult(other, up.organizationId, i, "local")));
    clock.set(T0 + 4 * HOUR + MIN);
    await recordResults(up.rt, results);
    const before = await history(monitorId);
    expect(before).toHaveLength(360);

    // The rollup job packs the hours before its watermark, less one hour: hours 0 and 1 and 2.
    clock.set(T0 + 4 * HOUR + 5 * MIN);
    await refreshRollups(up.rt);
    expect(await count("check_result_blocks", monitorId)).toBe(6);
    expect(await count("check_result_blocks", other)).toBe(1);
    expect(await count("check_results", monitorId)).toBe(60 + 30);
    const after = await history(monitorId);
    // Every field as stored, but the timings of packed hours: two bytes on a log scale (0025).
    expect(after.map(withoutTimings)).toEqual(before.map(withoutTimings));
    for (const [i, row] of after.entries()) {
      for (const field of TIMINGS) expectPackedTiming(row[field], before[i]![field]);
    }
    expect(await history(other)).toHaveLength(60);
  });

  it("packs timings in two bytes within 0.005 ms + 0.031 %, and packing them again changes nothing", async () => {
    const values = [
      0, 0.004, 0.01, 1.25, 7.75, 15.99, 16.5, 99.37, 250, 1234.56, 9_999.99, 120_000, 3_600_000,
    ];
    const { rows } = await sql<{ ms: number; back: number; again: number }>`
      SELECT v AS ms, upblit_ms_unpack(upblit_ms_pack(v)) AS back,
        upblit_ms_unpack(upblit_ms_pack(upblit_ms_unpack(upblit_ms_pack(v)))) AS again
      FROM unnest(${values}::real[]) AS t(v)`.execute(up.rt.db);
    for (const r of rows) {
      expectPackedTiming(r.back, r.ms);
      expect(r.again).toBe(r.back);
    }
    const { rows: nulls } = await sql<{ back: number | null }>`
      SELECT upblit_ms_unpack(upblit_ms_pack(NULL::real)) AS back`.execute(up.rt.db);
    expect(nulls[0]?.back).toBeNull();
  });

  it("stores a block's repeated details once", async () => {
    const block = await up.rt.db
      .selectFrom("check_result_blocks")
      .selectAll()
      .where("monitor_id", "=", monitorId)
      .where("region", "=", "eu")
      .orderBy("hour")
      .executeTakeFirstOrThrow();
    expect(block.offsets_ms).toHaveLength(60);
    // 10 degraded (each its own latency), 2 failure messages × 2 kinds at most, 1 shared "status ok".
    expect((block.details as unknown[]).length).toBeLessThanOrEqual(10 + 4 + 1);
  });

  it("pages results across packed and raw hours exactly as before, with filters", async () => {
    const all = (await history(monitorId)).sort(
      (a, b) => b.slot_at.getTime() - a.slot_at.getTime() || a.region.localeCompare(b.region),
    );
    // The pages a cursor of slot times gives (rows after the cursor's slot, newest first), from
    // the rows read directly; the pages through the service must be the same.
    const expected: string[] = [];
    let before = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = all.filter((r) => r.slot_at.getTime() < before).slice(0, 37);
      expected.push(...page.map((r) => `${r.slot_at.toISOString()}|${r.region}`));
      if (page.length < 37 || all.filter((r) => r.slot_at.getTime() < before).length === 37) break;
      before = page.at(-1)!.slot_at.getTime();
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listResults(up.ctx, monitorId, { limit: 37, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => `${r.slot_at.toISOString()}|${r.region}`));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(expected);
    const downs = await listResults(up.ctx, monitorId, { limit: 500, status: "down" });
    expect(downs.items).toHaveLength(all.filter((r) => r.status === "down").length);
    expect(downs.items.every((r) => r.error !== null && r.verdicts.length === 0)).toBe(true);
    const ranged = await listResults(up.ctx, monitorId, {
      limit: 500,
      from: new Date(T0 + HOUR + 30 * MIN),
      to: new Date(T0 + 2 * HOUR + 30 * MIN),
    });
    expect(ranged.items).toHaveLength(90);
  });

  it("reads the latest slots of the monitor list from blocks when the raw rows are fewer", async () => {
    const [summary] = await monitorSummaries(up.ctx, [other]);
    expect(summary?.recent).toHaveLength(30);
  });

  it("ignores a redelivered result that is already packed, and merges a late one into its block", async () => {
    const packed = makeResult(monitorId, up.organizationId, 5);
    expect(await recordResults(up.rt, [packed])).toEqual({ stored: 0 });
    // A late result of a packed hour (its slot was never stored): kept raw, then merged.
    const late = { ...makeResult(monitorId, up.organizationId, 5), slotAt: T0 + 5 * MIN + 30_000 };
    expect(await recordResults(up.rt, [late])).toEqual({ stored: 1 });
    await packClosedHours(up.rt, T0 + 3 * HOUR);
    expect(await count("check_result_blocks", monitorId)).toBe(6);
    const rows = await history(monitorId);
    expect(rows).toHaveLength(361);
    expect(rows.filter((r) => r.slot_at.getTime() === late.slotAt)).toHaveLength(1);
  });

  it("retention deletes whole blocks and trims the hour its cutoff falls in, counting each result", async () => {
    const cutoff = T0 + HOUR + 30 * MIN + 1;
    const older = (await history(monitorId)).filter((r) => r.slot_at.getTime() < cutoff).length;
    const olderOther = (await history(other)).filter((r) => r.slot_at.getTime() < cutoff).length;
    clock.set(cutoff + 30 * DAY);
    const removed = await applyRetention(up.rt, { rawDays: 30, rollupDays: 400 });
    expect(removed).toBe(older + olderOther);
    const rest = await history(monitorId);
    expect(rest).toHaveLength(361 - older);
    expect(rest.every((r) => r.slot_at.getTime() >= cutoff)).toBe(true);
    expect(rest[0]?.verdicts).not.toBeUndefined();
  });
});
