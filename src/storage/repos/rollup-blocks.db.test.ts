import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/clock.ts";
import { packClosedWeeks } from "../../services/checks/maintain.ts";
import { listRollups } from "../../services/checks/query.ts";
import { createMonitor } from "../../services/monitors/create.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { down as downTo0021, up as up0022 } from "../migrations/0022-rollup-blocks.ts";
import { deleteRollupsBefore, setRollupWatermark } from "./rollups.repo.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A Thursday: the first and last weeks are partial.
const T0 = Date.UTC(2032, 2, 4);
const DAYS = 20;
const WATERMARK = T0 + DAYS * DAY;

interface Row {
  organization_id: string;
  monitor_id: string;
  bucket: Date;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  latency_samples: number;
  latency_min: number | null;
  latency_avg: number | null;
  latency_p95: number | null;
  latency_max: number | null;
}

/** A rollup row of every kind: mostly all up, some failures, no samples (null latencies), gaps. */
function rollup(org: string, monitorId: string, bucket: number, i: number, checks: number): Row | undefined {
  if (i % 29 === 5) return undefined; // a paused hour: no row
  const unknown = i % 11 === 0 ? checks : 0;
  const down = unknown ? 0 : i % 7 === 0 ? 3 : 0;
  const degraded = unknown ? 0 : i % 13 === 0 ? 1 : 0;
  const samples = unknown ? 0 : checks - down;
  return {
    organization_id: org,
    monitor_id: monitorId,
    bucket: new Date(bucket),
    checks,
    up: checks - unknown - down - degraded,
    degraded,
    down,
    unknown,
    latency_samples: samples,
    latency_min: samples ? 10 + (i % 5) + 0.25 : null,
    latency_avg: samples ? 100 + i * 0.5 : null,
    latency_p95: samples ? 200 + (i % 17) * 1.5 : null,
    latency_max: samples ? 300 + i : null,
  };
}

const COLUMNS = [
  "organization_id",
  "monitor_id",
  "bucket",
  "checks",
  "up",
  "degraded",
  "down",
  "unknown",
  "latency_samples",
  "latency_min",
  "latency_avg",
  "latency_p95",
  "latency_max",
] as const;

describe.each(DB_KINDS)("packed rollups (0022) on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(WATERMARK + 10 * 60_000);
  let ids: string[] = [];
  let hourly: Row[] = [];
  let daily: Row[] = [];
  const db = () => up.rt.db;
  const view = (name: "hourly_rollup_history" | "daily_rollup_history") =>
    db().selectFrom(name).select(COLUMNS).orderBy("monitor_id").orderBy("bucket").execute() as Promise<Row[]>;
  const sorted = (rows: Row[]) =>
    [...rows].sort((a, b) =>
      a.monitor_id === b.monitor_id
        ? a.bucket.getTime() - b.bucket.getTime()
        : a.monitor_id < b.monitor_id
          ? -1
          : 1,
    );

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    for (const name of ["a", "b"]) ids.push((await createMonitor(up.ctx, monitorDefinition({ name }))).id);
    ids = ids.sort();
    // Rows written the old way: back to migration 0021's tables, then plain rows in them.
    await downTo0021(db() as unknown as Kysely<unknown>);
    for (const [m, id] of ids.entries()) {
      for (let h = 0; h < DAYS * 24; h++) {
        const r = rollup(up.organizationId, id, T0 + h * HOUR, h + m, m === 0 ? 60 : 12);
        if (r) hourly.push(r);
      }
      for (let d = 0; d < DAYS; d++) {
        const r = rollup(up.organizationId, id, T0 + d * DAY, d * 3 + m + 1, m === 0 ? 1440 : 288);
        if (r) daily.push(r);
      }
    }
    await db().insertInto("rollups_hourly").values(hourly).execute();
    await db().insertInto("rollups_daily").values(daily).execute();
    await setRollupWatermark(db(), new Date(WATERMARK));
    hourly = sorted(hourly);
    daily = sorted(daily);
  });
  afterAll(async () => up?.close());

  it("the migration packs every closed week of existing rollups; readers see the same rows", async () => {
    await up0022(db() as unknown as Kysely<unknown>);
    // Closed weeks: those ended by the watermark (Wednesday 2032-03-24) less a day.
    const blocks = await db()
      .selectFrom("rollup_blocks")
      .select(["monitor_id", "week"])
      .orderBy("week")
      .execute();
    expect([...new Set(blocks.map((b) => b.week.toISOString()))]).toEqual([
      "2032-03-01T00:00:00.000Z",
      "2032-03-08T00:00:00.000Z",
      "2032-03-15T00:00:00.000Z",
    ]);
    expect(blocks).toHaveLength(6);
    const hot = await db().selectFrom("rollups_hourly").select("bucket").orderBy("bucket").execute();
    expect(hot[0]?.bucket.toISOString()).toBe("2032-03-22T00:00:00.000Z");
    expect(await view("hourly_rollup_history")).toEqual(hourly);
    expect(await view("daily_rollup_history")).toEqual(daily);
    // A reader (the API's rollups list) through the blocks: exactly the old rows of that monitor.
    const listed = await listRollups(up.ctx, ids[1]!, "hour", new Date(T0 + 2 * DAY + 30 * 60_000));
    expect(listed).toEqual(
      hourly.filter((r) => r.monitor_id === ids[1] && r.bucket.getTime() >= T0 + 2 * DAY + HOUR),
    );
  });

  it("compresses a full week's arrays of counts to a few bytes (TOAST, kept inline)", async () => {
    const sizes = await sql<{ checks: number; latency: number; toasted: string }>`
      SELECT pg_column_size(h_checks) AS checks, pg_column_size(h_latency_avg) AS latency,
        (SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'rollup_blocks')::text AS toasted
      FROM rollup_blocks WHERE monitor_id = ${ids[0]!} AND week = ${new Date("2032-03-08T00:00:00Z")}`.execute(
      db(),
    );
    const row = sizes.rows[0]!;
    // 168 integers are 696 bytes uncompressed; the latencies (distinct floats) do not compress.
    expect(Number(row.checks)).toBeLessThan(200);
    expect(Number(row.latency)).toBeGreaterThan(600);
    expect(Number(row.toasted)).toBe(0);
  });

  it("packing again merges late hot rows into the week's block, the hot rows winning", async () => {
    const week = Date.UTC(2032, 2, 8);
    const late = {
      ...hourly.find((r) => r.monitor_id === ids[0] && r.bucket.getTime() === week + 3 * HOUR)!,
    };
    late.checks = 61;
    late.up = 61;
    const has = (t: number) => hourly.some((r) => r.monitor_id === ids[0] && r.bucket.getTime() === t);
    let gap = week;
    while (has(gap)) gap += HOUR;
    expect(gap).toBeLessThan(week + 7 * DAY);
    const missing = rollup(up.organizationId, ids[0]!, gap, 1, 60)!; // an hour that had no row
    await db().insertInto("rollups_hourly").values([late, missing]).execute();
    expect(await packClosedWeeks(up.rt, WATERMARK - DAY)).toBe(1);
    const expected = sorted([
      ...hourly.filter((r) => !(r.monitor_id === ids[0] && r.bucket.getTime() === week + 3 * HOUR)),
      late,
      missing,
    ]);
    expect(await view("hourly_rollup_history")).toEqual(expected);
    expect(await view("daily_rollup_history")).toEqual(daily);
    const hotInWeek = await db()
      .selectFrom("rollups_hourly")
      .select("bucket")
      .where("bucket", "<", new Date(week + 7 * DAY))
      .execute();
    expect(hotInWeek).toEqual([]);
    hourly = expected;
  });

  it("retention hides exactly the rows before the cutoff and deletes blocks once wholly past", async () => {
    const cutoff = new Date(T0 + 6 * DAY + 5 * HOUR); // inside the week of 2032-03-08
    await deleteRollupsBefore(db(), cutoff);
    expect(await view("hourly_rollup_history")).toEqual(hourly.filter((r) => r.bucket >= cutoff));
    expect(await view("daily_rollup_history")).toEqual(daily.filter((r) => r.bucket >= cutoff));
    const weeks = await db().selectFrom("rollup_blocks").select("week").distinct().orderBy("week").execute();
    expect(weeks.map((w) => w.week.toISOString())).toEqual([
      "2032-03-08T00:00:00.000Z",
      "2032-03-15T00:00:00.000Z",
    ]);
  });
});
