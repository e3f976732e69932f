import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { getRollupWatermark } from "../../storage/repos/rollups.repo.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { createMonitor } from "../monitors/create.ts";
import { refreshRollups } from "./maintain.ts";
import { uptimeSummary } from "./query.ts";
import { recordResults } from "./record-results.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2031, 4, 6, 8); // 08:00 UTC

/**
 * Results that arrive after their hour was summarised — a remote probe's offline results,
 * uploaded when its link came back (docs/remote-probes.md) — are counted in that hour's rollup,
 * and so in uptime figures and charts, not only in the raw history.
 */
describe.each(DB_KINDS)("late results and rollups on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(T0);
  let monitorId: string;

  const result = (slotAt: number, status: CheckResult["status"], offline = false): CheckResult => ({
    monitorId,
    organizationId: up.organizationId,
    region: "local",
    slotAt,
    startedAt: slotAt + 5,
    manual: false,
    status,
    timings: { total: 20 },
    error: status === "down" ? { kind: "timeout", message: "check timed out" } : undefined,
    verdicts: [],
    ...(offline ? { offline } : {}),
  });
  const hourRollup = async (hour: number) =>
    up.rt.db
      .selectFrom("hourly_rollup_history")
      .select(["checks", "up", "down"])
      .where("monitor_id", "=", monitorId)
      .where("bucket", "=", new Date(hour))
      .executeTakeFirst();

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    monitorId = (await createMonitor(up.ctx, monitorDefinition({ name: "late" }))).id;
  });
  afterAll(async () => up?.close());

  it("sets the watermark back for results of an hour already summarised, and summarises that hour again with them", async () => {
    // 08:00–08:59: ten up results, recorded on time; summarised at 10:05 (hours 8 and 9).
    await recordResults(
      up.rt,
      Array.from({ length: 10 }, (_, i) => result(T0 + i * 6 * MIN, "up")),
    );
    clock.set(T0 + 2 * HOUR + 5 * MIN);
    await refreshRollups(up.rt);
    expect(await hourRollup(T0)).toEqual({ checks: 10, up: 10, down: 0 });
    expect((await getRollupWatermark(up.rt.db))?.getTime()).toBe(T0 + 2 * HOUR);

    // 10:20: a probe that was cut off uploads what it checked alone in hour 8 (other slots).
    clock.set(T0 + 2 * HOUR + 20 * MIN);
    const offline = [result(T0 + 3 * MIN, "down", true), result(T0 + 9 * MIN, "down", true)];
    expect(await recordResults(up.rt, offline)).toEqual({ stored: 2 });
    expect((await getRollupWatermark(up.rt.db))?.getTime()).toBe(T0);

    await refreshRollups(up.rt);
    expect(await hourRollup(T0)).toEqual({ checks: 12, up: 10, down: 2 });
    expect((await getRollupWatermark(up.rt.db))?.getTime()).toBe(T0 + 2 * HOUR);
    const day = (await uptimeSummary(up.ctx, monitorId)).find((w) => w.window === "24h")!;
    expect([day.checks, day.up, day.down]).toEqual([12, 10, 2]);
  });

  it("leaves the watermark where it is for results of hours not yet summarised", async () => {
    clock.set(T0 + 2 * HOUR + 30 * MIN);
    expect(await recordResults(up.rt, [result(T0 + 2 * HOUR + 29 * MIN, "up")])).toEqual({ stored: 1 });
    expect((await getRollupWatermark(up.rt.db))?.getTime()).toBe(T0 + 2 * HOUR);
  });
});
