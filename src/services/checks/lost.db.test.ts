import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { waitFor } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { createMonitor } from "../monitors/create.ts";
import { claimDueChecks } from "./claim-due.ts";
import { sweepLostChecks } from "./lost.ts";
import { recordResults } from "./record-results.ts";

const GRACE_MS = 20_000;
const TIMEOUT_MS = 5_000;

/**
 * A claimed slot whose check never produced a result (its job lost with Redis, or with a probe
 * killed mid-check) is recorded `unknown` once its deadline passes: never silently missing.
 */
describe.each(DB_KINDS)("lost-slot sweep on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 5, 1));
  let up: TestUpblit;

  beforeAll(async () => {
    // No probe or evaluator: the test plays both, so nothing runs the claimed checks by itself.
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
  });
  afterAll(async () => up?.close());

  it("records unknown for each claimed slot with no result by its deadline, once", async () => {
    const ids: string[] = [];
    for (const name of ["kept", "lost 1", "lost 2"]) {
      const m = await createMonitor(
        up.ctx,
        monitorDefinition({ name, timeoutMs: TIMEOUT_MS, intervalSeconds: 60 }),
      );
      ids.push(m.id);
    }
    clock.advance(61_000);
    const claimed = await claimDueChecks(up.rt, 100);
    expect(claimed.map((c) => c.spec.monitorId).sort()).toEqual([...ids].sort());
    const earliest = Math.min(...claimed.map((c) => c.slotAt));
    const latest = Math.max(...claimed.map((c) => c.slotAt));

    // The first monitor's check ran: its result is stored.
    const kept = claimed.find((c) => c.spec.monitorId === ids[0])!;
    await recordResults(up.rt, [result(kept.spec.monitorId, kept.slotAt, "up")]);

    // Before the deadline (slot + timeout + grace) nothing is lost: a result may still come.
    clock.set(earliest + TIMEOUT_MS + GRACE_MS - 1_000);
    expect(await sweepLostChecks(up.rt, GRACE_MS)).toBe(0);
    expect((await up.rt.queue.depth("check.result")).waiting).toBe(0);

    clock.set(latest + TIMEOUT_MS + GRACE_MS + 1_000);
    expect(await sweepLostChecks(up.rt, GRACE_MS)).toBe(2);
    // Judged once: the claims are gone, a second pass (another scheduler) finds nothing.
    expect(await sweepLostChecks(up.rt, GRACE_MS)).toBe(0);

    // The unknown results travel to the evaluator like any other; take them off the queue here.
    const queued: CheckResult[] = [];
    const consumer = up.rt.queue.consume("check.result", async (r) => void queued.push(r), {
      concurrency: 4,
    });
    await waitFor(
      async () => queued.length,
      (n) => n === 2,
    );
    await consumer.stop(1_000);
    expect(queued.map((r) => r.monitorId).sort()).toEqual([ids[1], ids[2]].sort());
    for (const r of queued) {
      expect(r).toMatchObject({ status: "unknown", region: "local", manual: false, verdicts: [] });
      expect(r.error?.message).toMatch(/lost/);
    }
    await recordResults(up.rt, queued);
    const stored = await up.rt.db
      .selectFrom("check_results")
      .select(["monitor_id", "status", "slot_at"])
      .where("monitor_id", "in", ids)
      .execute();
    expect(stored.map((r) => `${r.monitor_id}:${r.status}`).sort()).toEqual(
      [`${ids[0]}:up`, `${ids[1]}:unknown`, `${ids[2]}:unknown`].sort(),
    );
    // A late result for a slot already recorded unknown finds it taken and is dropped.
    const late = claimed.find((c) => c.spec.monitorId === ids[1])!;
    await recordResults(up.rt, [result(late.spec.monitorId, late.slotAt, "down")]);
    const row = await up.rt.db
      .selectFrom("check_results")
      .select("status")
      .where("monitor_id", "=", ids[1]!)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("unknown");
  });

  function result(monitorId: string, slotAt: number, status: "up" | "down"): CheckResult {
    return {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt,
      startedAt: slotAt + 5,
      manual: false,
      status,
      statusCode: status === "up" ? 200 : 500,
      timings: { total: 4 },
      verdicts: [],
    };
  }
});
