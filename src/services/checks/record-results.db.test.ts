import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../../domain/check-result.ts";
import type { MonitorDefinition } from "../../domain/monitor.ts";
import { ManualClock } from "../../lib/clock.ts";
import type { JobPayloads } from "../../queue/catalog.ts";
import { decodeVerdicts } from "../../storage/repos/results.repo.ts";
import { waitFor } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { createPage } from "../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import type { Ctx } from "../context.ts";
import { createMonitor } from "../monitors/create.ts";
import { deleteMonitor, setMonitorPaused } from "../monitors/update.ts";
import { prepareStatusDrafts } from "../status-incidents/drafts.ts";
import { recordResults } from "./record-results.ts";

const T0 = Date.UTC(2031, 5, 1);
const MIN = 60_000;

function definition(overrides: Partial<MonitorDefinition> = {}): MonitorDefinition {
  return monitorDefinition({ name: "recorded", ...overrides });
}

describe.each(DB_KINDS)("recordResults on %s", (kind) => {
  const clock = new ManualClock(T0);
  let up: TestUpblit;
  let ctx: Ctx;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    ctx = up.ctx;
  });
  afterAll(async () => up?.close());

  async function monitor(overrides: Partial<MonitorDefinition> = {}): Promise<string> {
    return (await createMonitor(ctx, definition(overrides))).id;
  }

  function result(monitorId: string, slot: number, status: ResultStatus): CheckResult {
    const slotAt = T0 + slot * MIN;
    return {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt,
      startedAt: slotAt + 7,
      manual: false,
      status,
      statusCode: status === "down" ? 500 : 200,
      timings: { total: 3.5 },
      verdicts:
        status === "down" ? [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 500 }] : [],
    };
  }

  const db = () => up.rt.db;
  const state = (id: string) =>
    db().selectFrom("monitor_state").selectAll().where("monitor_id", "=", id).executeTakeFirstOrThrow();
  const incidents = (id: string) =>
    db().selectFrom("incidents").selectAll().where("monitor_id", "=", id).orderBy("started_at").execute();
  const events = (id: string) =>
    db().selectFrom("monitor_events").selectAll().where("monitor_id", "=", id).orderBy("at").execute();
  const stored = (id: string) =>
    db().selectFrom("check_history").selectAll().where("monitor_id", "=", id).orderBy("slot_at").execute();

  it("a failure with failuresBeforeDown=1 opens exactly one incident; redelivery changes nothing", async () => {
    const id = await monitor();
    const healthy = await monitor();
    const batch = [result(id, 1, "down"), result(healthy, 1, "up")];

    expect(await recordResults(up.rt, batch)).toEqual({ stored: 2 });
    const s = await state(id);
    expect(s.state).toBe("down");
    const open = await incidents(id);
    expect(open).toHaveLength(1);
    expect(open[0]!.status).toBe("open");
    expect(s.open_incident_id).toBe(open[0]!.id);
    expect(open[0]!.started_at.getTime()).toBe(batch[0]!.startedAt);
    expect(open[0]!.cause).toContain("status in [200]");
    const ev = await events(id);
    expect(ev.map((e) => [e.from_state, e.to_state, e.incident_id])).toEqual([
      ["pending", "down", open[0]!.id],
    ]);

    // The same batch again (a redelivery after a lost ack): nothing new.
    expect(await recordResults(up.rt, batch)).toEqual({ stored: 0 });
    expect(await recordResults(up.rt, [...batch].reverse())).toEqual({ stored: 0 });
    expect(await incidents(id)).toEqual(open);
    expect(await events(id)).toEqual(ev);
    expect((await stored(id)).length).toBe(1);
    expect(await state(id)).toEqual(s);
    expect((await state(healthy)).state).toBe("up");
    expect(await incidents(healthy)).toEqual([]);
  });

  it("a redelivery queues no second incident notification and announces nothing twice", async () => {
    const id = await monitor();
    const live: string[] = [];
    const unsubscribe = up.rt.bus.subscribe(up.organizationId, (e) => {
      if (e.type !== "status_page.changed" && e.type !== "delivery.changed" && e.monitorId === id)
        live.push(
          e.type === "check.result"
            ? `result ${e.slotAt}`
            : e.type === "incident.changed"
              ? `incident ${e.change}`
              : `state ${e.to}`,
        );
    });
    try {
      const alerts = async () => (await up.rt.queue.depth("incident.changed")).waiting;
      const before = await alerts();
      const batch = [result(id, 1, "down")];
      await recordResults(up.rt, batch);
      expect((await alerts()) - before).toBe(1);
      await recordResults(up.rt, batch);
      await recordResults(up.rt, batch);
      // No duplicate alert, logically: one incident, one notification job.
      expect((await alerts()) - before).toBe(1);
      // Live subscribers hear about the stored result, the incident and the state change once.
      expect(live).toEqual([
        `incident opened`,
        `state down`,
        `result ${new Date(batch[0]!.slotAt).toISOString()}`,
      ]);
    } finally {
      unsubscribe();
    }
  });

  it("two deliveries of the same batch racing each other store it once and open one incident", async () => {
    const ids = await Promise.all([monitor(), monitor(), monitor()]);
    const batch = ids.flatMap((id) => [result(id, 1, "down"), result(id, 2, "down")]);
    const outcomes = await Promise.all([
      recordResults(up.rt, batch),
      recordResults(up.rt, [...batch].reverse()),
      recordResults(up.rt, batch),
    ]);
    expect(outcomes.reduce((n, o) => n + o.stored, 0)).toBe(batch.length);
    for (const id of ids) {
      expect(await incidents(id)).toHaveLength(1);
      expect((await stored(id)).length).toBe(2);
      const s = await state(id);
      expect([s.state, s.consecutive_failures]).toEqual(["down", 2]);
    }
  });

  it("applies a batch in slot order, whatever order it arrives in", async () => {
    const id = await monitor({ failuresBeforeDown: 2 });
    const batch = [
      result(id, 4, "up"),
      result(id, 3, "down"),
      result(id, 1, "up"),
      result(id, 2, "down"),
      result(id, 5, "up"),
    ];
    expect((await recordResults(up.rt, batch)).stored).toBe(5);
    const ev = await events(id);
    expect(ev.map((e) => `${e.from_state}->${e.to_state}`)).toEqual(["pending->up", "up->down", "down->up"]);
    const inc = await incidents(id);
    expect(inc).toHaveLength(1);
    expect(inc[0]!.status).toBe("resolved");
    expect(inc[0]!.started_at.getTime()).toBe(T0 + 3 * MIN + 7);
    expect(inc[0]!.resolved_at!.getTime()).toBe(T0 + 4 * MIN + 7);
    expect(Number(inc[0]!.duration_ms)).toBe(MIN);
    const s = await state(id);
    expect([s.state, s.consecutive_successes, s.open_incident_id]).toEqual(["up", 2, null]);
  });

  it("opens and resolves several incidents of one monitor in one batch, each with its own times and ids", async () => {
    const id = await monitor();
    const live: string[] = [];
    const unsubscribe = up.rt.bus.subscribe(up.organizationId, (e) => {
      if (e.type === "incident.changed" && e.monitorId === id) live.push(`${e.change} ${e.incidentId}`);
    });
    try {
      const batch = (["down", "up", "down", "up", "down"] as const).map((s, i) => result(id, i + 1, s));
      await recordResults(up.rt, batch);
    } finally {
      unsubscribe();
    }
    const inc = (await incidents(id)).sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
    expect(inc.map((i) => i.status)).toEqual(["resolved", "resolved", "open"]);
    expect(inc.map((i) => i.started_at.getTime() - T0)).toEqual([1, 3, 5].map((m) => m * MIN + 7));
    expect(inc.slice(0, 2).map((i) => Number(i.duration_ms))).toEqual([MIN, MIN]);
    expect(inc.slice(0, 2).map((i) => i.workflow_status)).toEqual(["resolved", "resolved"]);
    expect((await state(id)).open_incident_id).toBe(inc[2]!.id);
    // Each recovery event names the incident it ended; announcements keep the order of the changes.
    const ev = await events(id);
    expect(ev.filter((e) => e.to_state === "up").map((e) => e.incident_id)).toEqual([inc[0]!.id, inc[1]!.id]);
    expect(live).toEqual([
      `opened ${inc[0]!.id}`,
      `resolved ${inc[0]!.id}`,
      `opened ${inc[1]!.id}`,
      `resolved ${inc[1]!.id}`,
      `opened ${inc[2]!.id}`,
    ]);
  });

  it("a partly redelivered batch applies only its new results", async () => {
    const id = await monitor();
    await recordResults(up.rt, [result(id, 1, "down")]);
    expect((await recordResults(up.rt, [result(id, 1, "down"), result(id, 2, "up")])).stored).toBe(1);
    let inc = await incidents(id);
    expect(inc.map((i) => i.status)).toEqual(["resolved"]);
    // The old failure delivered once more after recovery must not reopen anything.
    expect((await recordResults(up.rt, [result(id, 1, "down")])).stored).toBe(0);
    inc = await incidents(id);
    expect(inc.map((i) => i.status)).toEqual(["resolved"]);
    expect((await state(id)).state).toBe("up");
  });

  it("unknown results are stored but move nothing, counters included", async () => {
    const id = await monitor({ failuresBeforeDown: 2 });
    await recordResults(up.rt, [result(id, 1, "up"), result(id, 2, "down")]);
    const before = await state(id);
    expect([before.state, before.consecutive_failures]).toEqual(["up", 1]);
    const unknowns = [3, 4, 5, 6].map((slot) => ({ ...result(id, slot, "unknown") }));
    expect((await recordResults(up.rt, unknowns)).stored).toBe(4);
    const after = await state(id);
    expect([after.state, after.consecutive_failures, after.consecutive_successes]).toEqual(["up", 1, 0]);
    expect(await incidents(id)).toEqual([]);
    expect((await stored(id)).map((r) => r.status)).toEqual([
      "up",
      "down",
      "unknown",
      "unknown",
      "unknown",
      "unknown",
    ]);
    expect((await events(id)).length).toBe(1);
  });

  it("a result of a paused monitor is stored but moves nothing", async () => {
    const id = await monitor();
    await setMonitorPaused(ctx, id, true);
    expect((await recordResults(up.rt, [result(id, 1, "down")])).stored).toBe(1);
    expect((await state(id)).state).toBe("paused");
    expect(await incidents(id)).toEqual([]);
  });

  it("pausing a down monitor resolves its incident; after resume a failure opens a new one", async () => {
    const id = await monitor();
    await recordResults(up.rt, [result(id, 1, "down")]);
    clock.set(T0 + 2 * MIN);
    await setMonitorPaused(ctx, id, true);
    let inc = await incidents(id);
    expect(inc.map((i) => i.status)).toEqual(["resolved"]);
    expect((await state(id)).open_incident_id).toBeNull();
    clock.set(T0 + 3 * MIN);
    await setMonitorPaused(ctx, id, false);
    expect((await state(id)).state).toBe("pending");
    await recordResults(up.rt, [result(id, 4, "down"), result(id, 5, "down")]);
    inc = await incidents(id);
    expect(inc.map((i) => i.status)).toEqual(["resolved", "open"]);
  });

  it("drops the results of a monitor deleted while its check ran, and keeps the rest of the batch", async () => {
    const gone = await monitor();
    const kept = await monitor();
    await deleteMonitor(ctx, gone);
    const res = await recordResults(up.rt, [result(gone, 1, "down"), result(kept, 1, "down")]);
    expect(res.stored).toBe(1);
    expect((await stored(kept)).length).toBe(1);
    expect(await stored(gone)).toEqual([]);
    expect(await incidents(kept)).toHaveLength(1);
  });
  it("stores every field of a result as given, awkward text included (one array per column)", async () => {
    const id = await monitor();
    const awkward = 'quote " backslash \\ comma , braces {} NULL "NULL" ünïcødé 🚦\nnew line';
    const full: CheckResult = {
      ...result(id, 1, "degraded"),
      manual: true,
      statusCode: 418,
      timings: { dns: 1.234, connect: 2.345, tls: 3.456, firstByte: 4.567, total: 5.678 },
      error: { kind: "timeout", message: awkward },
      verdicts: [
        { assertion: `body contains "${awkward}"`, ok: false, severity: "soft", actual: awkward },
        { assertion: "latency.total < 500", ok: true, severity: "hard", actual: 5.678 },
      ],
    };
    const bare: CheckResult = { ...result(id, 2, "up"), statusCode: undefined, timings: { total: 0 } };
    expect(await recordResults(up.rt, [full, bare])).toEqual({ stored: 2 });

    const [a, b] = await stored(id);
    expect(a).toMatchObject({
      organization_id: up.organizationId,
      region: "local",
      lateness_ms: 7,
      manual: true,
      status: "degraded",
      status_code: 418,
      error_kind: "timeout",
      error: awkward,
    });
    expect(a!.slot_at.getTime()).toBe(full.slotAt);
    expect([a!.dns_ms, a!.connect_ms, a!.tls_ms, a!.ttfb_ms, a!.total_ms]).toEqual([
      1.23, 2.35, 3.46, 4.57, 5.68,
    ]);
    expect(decodeVerdicts(a!.verdicts as unknown[])).toEqual(full.verdicts);
    expect(b).toMatchObject({ manual: false, status: "up", status_code: null, error: null, verdicts: null });
    expect([b!.dns_ms, b!.connect_ms, b!.tls_ms, b!.ttfb_ms, b!.total_ms]).toEqual([
      null,
      null,
      null,
      null,
      0,
    ]);
  });
  it("marks each opened incident's job with whether a status page shows its monitor", async () => {
    const shown = await monitor({ name: "shown on a page" });
    const hidden = await monitor({ name: "on no page" });
    await createPage(up, {
      groups: [{ name: "All", components: [{ monitorId: shown, displayName: "Shown" }] }],
    });
    const jobs = new Map<string, JobPayloads["incident.changed"]>();
    const consumer = up.rt.queue.consume(
      "incident.changed",
      async (change) => {
        if (change.monitorId === shown || change.monitorId === hidden) jobs.set(change.monitorId, change);
      },
      { concurrency: 1 },
    );
    try {
      await recordResults(up.rt, [result(shown, 1, "down"), result(hidden, 1, "down")]);
      await waitFor(
        async () => jobs.size,
        (n) => n === 2,
      );
    } finally {
      await consumer.stop(5_000);
    }
    expect(jobs.get(shown)).toMatchObject({ change: "opened", onStatusPage: true });
    expect(jobs.get(hidden)).toMatchObject({ change: "opened", onStatusPage: false });
    // The draft job of the monitor no page shows is done without looking.
    expect(await prepareStatusDrafts(up.rt, jobs.get(hidden)!)).toEqual([]);
  });
});
