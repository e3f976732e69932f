import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../domain/check-result.ts";
import { ManualClock } from "../lib/clock.ts";
import { recordResults } from "../services/checks/record-results.ts";
import type { Runtime } from "../services/context.ts";
import { createMonitor } from "../services/monitors/create.ts";
import { type Db, openDatabase } from "../storage/db.ts";
import { DB_KINDS } from "../test/db.ts";
import { monitorDefinition } from "../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { ResultBatcher } from "./batcher.ts";

const T0 = Date.UTC(2031, 8, 1);
const MIN = 60_000;

const definition = (name: string) => monitorDefinition({ name });

/**
 * A database that cannot be written, as when ours is gone: a PostgreSQL address where nothing
 * listens (every query fails to connect). Used for both kinds, since only the failure matters.
 */
function goneDatabase(): Promise<Db> {
  return openDatabase({ driver: "postgres", url: "postgres://postgres@127.0.0.1:1/gone" });
}

describe.each(DB_KINDS)("ResultBatcher → recordResults while the database is gone, on %s", (kind) => {
  let up: TestUpblit;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock: new ManualClock(T0) });
  });
  afterAll(async () => up?.close());

  it("stores every result once, in order, as unknown, and pages nobody; afterwards results count again", async () => {
    const ctx = up.ctx;
    const failing = (await createMonitor(ctx, definition("failing"))).id;
    const healthy = (await createMonitor(ctx, definition("healthy"))).id;
    const result = (monitorId: string, slot: number, status: ResultStatus): CheckResult => ({
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt: T0 + slot * MIN,
      startedAt: T0 + slot * MIN + 3,
      manual: false,
      status,
      timings: { total: 1 },
      verdicts: [],
    });

    // The write goes through the real recordResults; the runtime it uses is ours with a dead db
    // until the outage ends.
    const gone = await goneDatabase();
    const broken: Runtime = { ...up.rt, db: gone };
    let current: Runtime = broken;
    const attempts: string[][] = [];
    const batcher = new ResultBatcher(
      async (batch) => {
        attempts.push(
          batch.map((r) => `${r.monitorId === failing ? "f" : "h"}${(r.slotAt - T0) / MIN}:${r.status}`),
        );
        return recordResults(current, batch);
      },
      up.rt.log,
      { maxBatch: 3, flushMs: 10_000, maxBuffered: 1_000 },
    );

    const during = [
      result(failing, 1, "down"),
      result(healthy, 1, "up"),
      result(failing, 2, "down"),
      result(healthy, 2, "up"),
      result(failing, 3, "down"),
    ];
    for (const r of during) batcher.add(r);
    await batcher.flush();
    await batcher.flush();
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(batcher.pending).toBe(during.length);

    // The database is back; the held results are written on the next attempt (as on shutdown).
    current = up.rt;
    await gone.destroy();
    await batcher.flush();
    expect(batcher.pending).toBe(0);

    const rows = await up.rt.db
      .selectFrom("check_history")
      .select(["monitor_id", "slot_at", "status"])
      .where("monitor_id", "in", [failing, healthy])
      .orderBy("slot_at")
      .orderBy("monitor_id")
      .execute();
    const expected = during
      .map((r) => ({ monitor_id: r.monitorId, slot_at: new Date(r.slotAt), status: "unknown" }))
      .sort((a, b) => a.slot_at.getTime() - b.slot_at.getTime() || a.monitor_id.localeCompare(b.monitor_id));
    expect(rows).toEqual(expected);
    // Written in arrival order, batch by batch.
    expect(
      attempts
        .slice(-2)
        .flat()
        .map((a) => a.split(":")[0]),
    ).toEqual(["f1", "h1", "f2", "h2", "f3"]);

    const states = await up.rt.db
      .selectFrom("monitor_state")
      .selectAll()
      .where("monitor_id", "in", [failing, healthy])
      .execute();
    expect(states.map((s) => s.state).sort()).toEqual(["pending", "pending"]);
    expect(
      await up.rt.db.selectFrom("incidents").selectAll().where("monitor_id", "=", failing).execute(),
    ).toEqual([]);
    expect(up.logs.some((l) => l.msg === "could not store results; will retry")).toBe(true);

    // Once writes work again, a real failure does move the state (so the above could have failed).
    batcher.add(result(failing, 4, "down"));
    await batcher.flush();
    const s = await up.rt.db
      .selectFrom("monitor_state")
      .selectAll()
      .where("monitor_id", "=", failing)
      .executeTakeFirstOrThrow();
    expect(s.state).toBe("down");
    expect(
      await up.rt.db.selectFrom("incidents").selectAll().where("monitor_id", "=", failing).execute(),
    ).toHaveLength(1);
  });
});
