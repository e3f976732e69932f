import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { applyRetention, refreshRollups } from "../../services/checks/maintain.ts";
import { uptimeSummary } from "../../services/checks/query.ts";
import { recordResults } from "../../services/checks/record-results.ts";
import { createMonitor } from "../../services/monitors/create.ts";
import { authHeaders } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0); // 2026-11-20 10:00 UTC

describe.each(DB_KINDS)("rollups and retention on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(T0);
  let monitorId: string;

  function result(slotAt: number, status: CheckResult["status"], total: number): CheckResult {
    return {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt,
      startedAt: slotAt + 3,
      manual: false,
      status,
      timings: { total },
      error: status === "down" ? { kind: "refused", message: "connection refused" } : undefined,
      verdicts: [],
    };
  }

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    const ctx = up.ctx;
    const m = await createMonitor(ctx, monitorDefinition({ name: "db" }));
    monitorId = m.id;
    // Hour 10: 10 answered checks with latencies 10..100 ms, 1 down, 1 unknown.
    const batch = Array.from({ length: 10 }, (_, i) =>
      result(T0 + i * 60_000, i === 9 ? "degraded" : "up", (i + 1) * 10),
    );
    batch.push(result(T0 + 10 * 60_000, "down", 5000), result(T0 + 11 * 60_000, "unknown", 0));
    // Hour 11: 2 up at 200 ms.
    batch.push(result(T0 + HOUR, "up", 200), result(T0 + HOUR + 60_000, "up", 200));
    // 40 days ago: kept in rollups, dropped from raw results after retention.
    batch.push(result(T0 - 40 * DAY, "down", 1000));
    await recordResults(up.rt, batch);
    clock.set(T0 + HOUR + 30 * 60_000);
  });
  afterAll(async () => up?.close());

  const ctx = () => up.ctx;
  // Through the history views: closed weeks are packed into rollup_blocks (0022).
  const rows = (table: "rollups_hourly" | "rollups_daily") =>
    up.rt.db
      .selectFrom(table === "rollups_hourly" ? "hourly_rollup_history" : "daily_rollup_history")
      .selectAll()
      .where("monitor_id", "=", monitorId)
      .orderBy("bucket")
      .execute();

  it("summarises closed hours only, from raw results: counts by outcome and latency of answered checks", async () => {
    // 11:30: hour 10 is closed, hour 11 is not.
    await refreshRollups(up.rt);
    const hours = await rows("rollups_hourly");
    expect(hours.map((r) => r.bucket.toISOString())).toEqual([
      "2026-10-11T10:00:00.000Z",
      "2026-11-20T10:00:00.000Z",
    ]);
    const h10 = hours[1]!;
    expect([h10.checks, h10.up, h10.degraded, h10.down, h10.unknown, h10.latency_samples]).toEqual([
      12, 9, 1, 1, 1, 10,
    ]);
    expect(h10.latency_min).toBe(10);
    expect(h10.latency_max).toBe(100);
    expect(h10.latency_avg).toBeCloseTo(55, 5);
    expect(h10.latency_p95).toBeCloseTo(95.5, 5); // percentile_cont over 10..100
  });

  it("combines rollups with raw results after the watermark for uptime, ignoring unknown results", async () => {
    const w24 = (await uptimeSummary(ctx(), monitorId)).find((w) => w.window === "24h")!;
    expect([w24.checks, w24.up, w24.degraded, w24.down]).toEqual([14, 11, 1, 1]);
    expect(w24.uptime).toBeCloseTo(12 / 13, 10);
  });

  it("summarises the next hour once it closes, and days from hours with a sample-weighted average", async () => {
    clock.set(T0 + 2 * HOUR + 2 * 60_000); // 12:02: hour 11 is not closed until 12:03
    await refreshRollups(up.rt);
    expect(await rows("rollups_hourly")).toHaveLength(2);
    clock.set(T0 + 2 * HOUR + 4 * 60_000);
    await refreshRollups(up.rt);
    expect((await rows("rollups_hourly")).map((r) => r.bucket.toISOString()).at(-1)).toBe(
      "2026-11-20T11:00:00.000Z",
    );
    const day = (await rows("rollups_daily")).at(-1)!;
    expect(day.bucket.toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect([day.checks, day.up, day.degraded, day.down, day.unknown, day.latency_samples]).toEqual([
      14, 11, 1, 1, 1, 12,
    ]);
    expect(day.latency_avg).toBeCloseTo((55 * 10 + 200 * 2) / 12, 4);
    expect(day.latency_max).toBe(200);
    // Uptime is the same whether hour 11 is read raw or from its rollup.
    const windows = await uptimeSummary(ctx(), monitorId);
    expect(windows.map((w) => w.window)).toEqual(["24h", "7d", "30d", "90d"]);
    const w24 = windows[0]!;
    expect([w24.checks, w24.up, w24.degraded, w24.down]).toEqual([14, 11, 1, 1]);
    expect(windows[3]!.down).toBe(2); // the 40-day-old result counts in 90 days

    const listed = await up.app!.inject({
      headers: authHeaders(up),
      method: "GET",
      url: `/api/v1/monitors/${monitorId}/rollups?granularity=hour&from=2026-11-20T00:00:00Z`,
    });
    expect(listed.json().items.map((r: { bucket: string; checks: number }) => [r.bucket, r.checks])).toEqual([
      ["2026-11-20T10:00:00.000Z", 12],
      ["2026-11-20T11:00:00.000Z", 2],
    ]);
  });

  it("rebuilds from raw results when the watermark is lost (a new or restored database)", async () => {
    await up.rt.db.deleteFrom("rollup_watermark").execute();
    await up.rt.db.deleteFrom("rollups_hourly").execute();
    await up.rt.db.deleteFrom("rollups_daily").execute();
    await up.rt.db.deleteFrom("rollup_blocks").execute();
    await refreshRollups(up.rt);
    const days = await rows("rollups_daily");
    expect(days.map((d) => [d.bucket.toISOString(), d.checks, d.down])).toEqual([
      ["2026-10-11T00:00:00.000Z", 1, 1],
      ["2026-11-20T00:00:00.000Z", 14, 1],
    ]);
  });

  it("retention deletes raw results past RAW_RETENTION_DAYS and keeps the rest", async () => {
    const count = async () =>
      Number(
        (
          await up.rt.db
            .selectFrom("check_history")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("monitor_id", "=", monitorId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count()).toBe(15);
    const removed = await applyRetention(up.rt, { rawDays: 30, rollupDays: 400 });
    expect(removed).toBe(1);
    expect(await count()).toBe(14);
  });
});
