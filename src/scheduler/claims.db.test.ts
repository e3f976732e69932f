import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MonitorDefinition } from "../domain/monitor.ts";
import { latestSlotAtOrBefore, nextSlotAfter, slotOffsetMs } from "../domain/schedule.ts";
import { ManualClock } from "../lib/clock.ts";
import { claimDueChecks, type DueCheck, resumeAfterRestart } from "../services/checks/claim-due.ts";
import type { Ctx } from "../services/context.ts";
import { createMonitor } from "../services/monitors/create.ts";
import { upsertProcess } from "../storage/repos/processes.repo.ts";
import { authHeaders } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { monitorDefinition } from "../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { Scheduler } from "./scheduler.ts";

const MIN = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;
/** A fixed, far-away start so real time never matters; each test moves to its own day. */
const EPOCH = Date.UTC(2031, 0, 1);

function definition(i: number, overrides: Partial<MonitorDefinition> = {}): MonitorDefinition {
  return monitorDefinition({ name: `claims ${i}`, target: "http://127.0.0.1:9/never-called", ...overrides });
}

const ids = (claims: DueCheck[]) => claims.map((c) => c.spec.monitorId).sort();
const sorted = (xs: string[]) => [...xs].sort();

describe.each(DB_KINDS)("slot claims on %s", (kind) => {
  const clock = new ManualClock(EPOCH);
  let up: TestUpblit;
  let ctx: Ctx;
  let day = 0;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    ctx = up.ctx;
  });
  afterAll(async () => up?.close());
  afterEach(async () => {
    for (const id of up.rt.inFlight.ids()) up.rt.inFlight.finish(id);
    await up.rt.db.deleteFrom("monitors").execute();
  });

  /** Moves the clock to a fresh day (plus `ms`) so each test starts on an empty, known timeline. */
  function freshDay(ms = 500): number {
    day++;
    clock.set(EPOCH + day * DAY + ms);
    return clock.now();
  }

  async function create(n: number, overrides: Partial<MonitorDefinition> = {}): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await createMonitor(ctx, definition(i, overrides))).id);
    return out;
  }

  const claim = (limit = 10_000) => claimDueChecks(up.rt, limit);
  const firstSlot = (id: string, createdAt: number, intervalMs = MIN) =>
    nextSlotAfter(createdAt, intervalMs, slotOffsetMs(id, intervalMs));

  it("claims each slot exactly at its due time, once, and the next one only an interval later", async () => {
    const createdAt = freshDay();
    const monitors = await create(25);
    expect(await claim()).toEqual([]);

    const claimedAt = new Map<string, number[]>();
    for (let round = 0; round < 2; round++) {
      const due = monitors
        .map((id) => ({ id, at: firstSlot(id, createdAt) + round * MIN }))
        .sort((a, b) => a.at - b.at);
      for (const instant of [...new Set(due.map((d) => d.at))]) {
        clock.set(instant - 1);
        expect(await claim(), `nothing is due 1 ms before ${instant}`).toEqual([]);
        clock.set(instant);
        const got = await claim();
        expect(ids(got)).toEqual(sorted(due.filter((d) => d.at === instant).map((d) => d.id)));
        for (const c of got) {
          expect(c.slotAt).toBe(instant);
          expect(c.region).toBe("local");
          claimedAt.set(c.spec.monitorId, [...(claimedAt.get(c.spec.monitorId) ?? []), c.slotAt]);
        }
        // Claiming again at the same instant finds nothing: the slot is taken.
        expect(await claim()).toEqual([]);
      }
    }
    for (const id of monitors) {
      const [a, b] = claimedAt.get(id)!;
      expect(b! - a!).toBe(MIN);
      expect((((a! - slotOffsetMs(id, MIN)) % MIN) + MIN) % MIN).toBe(0);
    }
  });

  it("concurrent claimers at the same instant get disjoint sets whose union is the due set", async () => {
    const createdAt = freshDay();
    const monitors = await create(40);
    clock.set(createdAt + MIN);
    // Small limits make the claimers interleave many times.
    const claimer = async () => {
      const mine: DueCheck[] = [];
      for (;;) {
        const got = await claim(3);
        if (got.length === 0) return mine;
        mine.push(...got);
      }
    };
    const results = await Promise.all([claimer(), claimer(), claimer(), claim(), claim(7)]);
    const all = results.flat();
    expect(ids(all)).toEqual(sorted(monitors));
    expect(new Set(all.map((c) => c.spec.monitorId)).size).toBe(all.length);
    for (const c of all) expect(c.slotAt).toBe(firstSlot(c.spec.monitorId, createdAt));

    // The same again one interval later, all claimers started in the same tick.
    clock.advance(MIN);
    const again = (await Promise.all(Array.from({ length: 6 }, () => claim()))).flat();
    expect(ids(again)).toEqual(sorted(monitors));
    for (const c of again) expect(c.slotAt).toBe(firstSlot(c.spec.monitorId, createdAt) + MIN);
  });

  it("claims only the latest missed slot, never a backlog, when claiming was late", async () => {
    const createdAt = freshDay();
    const [id] = await create(1);
    const first = firstSlot(id!, createdAt);
    clock.set(first + 5 * MIN + 10);
    const got = await claim();
    expect(got.map((c) => c.slotAt)).toEqual([first + 5 * MIN]);
    expect(await claim()).toEqual([]);
    clock.set(first + 6 * MIN - 1);
    expect(await claim()).toEqual([]);
    clock.set(first + 6 * MIN);
    expect((await claim()).map((c) => c.slotAt)).toEqual([first + 6 * MIN]);
  });

  it("claiming ahead (a horizon one tick away) takes the slots due before it, once, with their own due times", async () => {
    const createdAt = freshDay();
    const monitors = await create(20);
    const firsts = new Map(monitors.map((id) => [id, firstSlot(id, createdAt)]));
    const horizon = createdAt + 30_000;
    clock.set(createdAt + 1);
    const early = await claimDueChecks(up.rt, 1_000, horizon);
    const expectedEarly = monitors.filter((id) => firsts.get(id)! <= horizon);
    expect(ids(early)).toEqual(sorted(expectedEarly));
    for (const c of early) expect(c.slotAt).toBe(firsts.get(c.spec.monitorId));
    // When those slots come due, nobody claims them again; the rest come at their own time.
    clock.set(horizon);
    expect(await claim()).toEqual([]);
    clock.set(createdAt + MIN);
    expect(ids(await claim())).toEqual(sorted(monitors.filter((id) => !expectedEarly.includes(id))));
  });

  it("claiming ahead while late takes an overdue monitor's latest slot before now, not one inside the horizon", async () => {
    const createdAt = freshDay();
    const [id] = await create(1);
    const first = firstSlot(id!, createdAt);
    // Overdue by 1.5 intervals, claimed with a horizon 0.9 intervals ahead: the slot that can run
    // now is first + 1 interval; first + 2 intervals lies inside the horizon but must not be taken.
    const now = first + 1.5 * MIN;
    clock.set(now);
    const got = await claimDueChecks(up.rt, 10, now + 0.9 * MIN);
    expect(got.map((c) => c.slotAt)).toEqual([first + MIN]);
    // Its next slot is the one after, claimable when it comes within the horizon.
    expect(await claimDueChecks(up.rt, 10, first + 2 * MIN - 1)).toEqual([]);
    expect((await claimDueChecks(up.rt, 10, first + 2 * MIN)).map((c) => c.slotAt)).toEqual([
      first + 2 * MIN,
    ]);
  });

  it("a forward clock step skips the missed slots: one claim per monitor, then the usual rhythm", async () => {
    const createdAt = freshDay();
    const monitors = await create(10);
    clock.set(createdAt + MIN);
    expect((await claim()).length).toBe(10);
    const jumpedTo = createdAt + 3 * 3_600_000 + 777;
    clock.set(jumpedTo);
    const got = await claim();
    expect(ids(got)).toEqual(sorted(monitors));
    for (const c of got) {
      expect(c.slotAt).toBe(latestSlotAtOrBefore(jumpedTo, MIN, slotOffsetMs(c.spec.monitorId, MIN)));
    }
    expect(await claim()).toEqual([]);
  });

  it("the scheduler loop keeps checking through a backward clock step", async () => {
    const createdAt = freshDay();
    const monitors = await create(10);
    const enqueued: DueCheck[] = [];
    const scheduler = new Scheduler<DueCheck>({
      claim: (limit, horizon) => claimDueChecks(up.rt, limit, horizon),
      enqueue: async (job) => {
        enqueued.push(job);
      },
      capacity: () => 1_000,
      resume: () => resumeAfterRestart(up.rt, 2_000),
      clock,
      log: up.rt.log,
      tickMs: 20,
    });
    /** Moves the manual clock two seconds at a time, giving the real-time loop a few ticks each. */
    const walk = async (from: number, to: number) => {
      for (let t = from; t <= to; t += 2_000) {
        clock.set(t);
        await sleep(30);
      }
    };
    await scheduler.start();
    try {
      await walk(createdAt, createdAt + MIN + 2_000);
      expect(sorted([...new Set(enqueued.map((j) => j.spec.monitorId))])).toEqual(sorted(monitors));
      // The host clock is corrected ten minutes back (NTP step, VM restore).
      enqueued.length = 0;
      const steppedTo = createdAt + MIN + 2_000 - 10 * MIN;
      await walk(steppedTo, steppedTo + MIN + 2_000);
      const after = [...new Set(enqueued.map((j) => j.spec.monitorId))];
      expect(sorted(after), "monitors checked within an interval after the step back").toEqual(
        sorted(monitors),
      );
    } finally {
      await scheduler.stop();
    }
  });

  it("skips a monitor with a check in flight here, and claims its latest slot once it finishes", async () => {
    const createdAt = freshDay();
    const [busy, a, b] = await create(3);
    clock.set(createdAt + MIN);
    expect(up.rt.inFlight.tryStart(busy!)).toBe(true);
    expect(ids(await claim())).toEqual(sorted([a!, b!]));
    clock.advance(MIN);
    expect(ids(await claim())).toEqual(sorted([a!, b!]));
    up.rt.inFlight.finish(busy!);
    const got = await claim();
    expect(ids(got)).toEqual([busy!]);
    const offset = slotOffsetMs(busy!, MIN);
    expect(got[0]!.slotAt).toBe(latestSlotAtOrBefore(clock.now(), MIN, offset));
  });

  it("never claims a paused monitor; on resume it waits for its next natural slot", async () => {
    const createdAt = freshDay();
    const [paused, running] = await create(2);
    const [createdPaused] = [(await createMonitor(ctx, definition(9), { paused: true })).id];
    const res = await up.app!.inject({
      headers: authHeaders(up),
      method: "POST",
      url: `/api/v1/monitors/${paused}/pause`,
    });
    expect(res.statusCode).toBe(200);

    for (let step = 1; step <= 3; step++) {
      clock.set(createdAt + step * MIN);
      expect(ids(await claim())).toEqual([running!]);
    }

    const resumedAt = createdAt + 3 * MIN + 1_234;
    clock.set(resumedAt);
    for (const id of [paused!, createdPaused!]) {
      const r = await up.app!.inject({
        headers: authHeaders(up),
        method: "POST",
        url: `/api/v1/monitors/${id}/resume`,
      });
      expect(r.statusCode).toBe(200);
      expect(r.json().state).toBe("pending");
    }
    // No stale, overdue slot left from before the pause (`running` may be due now: ignore it).
    expect(ids(await claim()).filter((id) => id !== running)).toEqual([]);
    const resumed = [paused!, createdPaused!]
      .map((id) => ({ id, next: nextSlotAfter(resumedAt, MIN, slotOffsetMs(id, MIN)) }))
      .sort((x, y) => x.next - y.next);
    for (const { id, next } of resumed) {
      clock.set(next - 1);
      expect(ids(await claim())).not.toContain(id);
      clock.set(next);
      const got = (await claim()).filter((c) => c.spec.monitorId === id);
      expect(got.map((c) => c.slotAt)).toEqual([next]);
    }
  });

  it("editing the interval reschedules on the new rhythm; other edits keep the old one", async () => {
    const createdAt = freshDay();
    const [id] = await create(1);
    const first = firstSlot(id!, createdAt);
    clock.set(first);
    expect((await claim()).map((c) => c.slotAt)).toEqual([first]);

    // A rename keeps the rhythm.
    clock.set(first + 10_000);
    const rename = await up.app!.inject({
      headers: authHeaders(up),
      method: "PATCH",
      url: `/api/v1/monitors/${id}`,
      payload: { name: "renamed" },
    });
    expect(rename.statusCode).toBe(200);
    clock.set(first + MIN);
    expect((await claim()).map((c) => c.slotAt)).toEqual([first + MIN]);

    const editedAt = first + MIN + 20_000;
    clock.set(editedAt);
    const edit = await up.app!.inject({
      headers: authHeaders(up),
      method: "PATCH",
      url: `/api/v1/monitors/${id}`,
      payload: { intervalSeconds: 300 },
    });
    expect(edit.statusCode).toBe(200);
    const FIVE = 5 * MIN;
    const next = nextSlotAfter(editedAt, FIVE, slotOffsetMs(id!, FIVE));
    const seen: number[] = [];
    // Walk 11 minutes in 1-second steps: claims come only on the new 5-minute rhythm.
    for (let t = editedAt; t <= editedAt + 11 * MIN; t += 1_000) {
      clock.set(t);
      seen.push(...(await claim()).map((c) => c.slotAt));
    }
    expect(seen).toEqual([next, next + FIVE, next + 2 * FIVE].filter((s) => s <= editedAt + 11 * MIN));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toBe(next);
    expect(seen[1]! - seen[0]!).toBe(FIVE);
  });

  it("no burst after a restart: missed slots are skipped and the next interval is spread out", async () => {
    const N = 120;
    const createdAt = freshDay();
    const monitors = await create(N);
    clock.set(createdAt + MIN);
    expect((await claim()).length).toBe(N);

    // Down for ten minutes; then the scheduler starts again (main.ts uses a 2 s grace).
    const restartAt = createdAt + 11 * MIN + 345;
    clock.set(restartAt);
    const moved = await resumeAfterRestart(up.rt, 2_000);
    expect(moved).toBe(N);
    expect(await claim()).toEqual([]);

    const perSecond: number[] = [];
    const seen = new Map<string, number[]>();
    for (let s = 1; s <= 60; s++) {
      clock.set(restartAt + s * 1_000);
      const got = await claim();
      perSecond.push(got.length);
      for (const c of got) seen.set(c.spec.monitorId, [...(seen.get(c.spec.monitorId) ?? []), c.slotAt]);
    }
    // Each monitor exactly once in the interval after the restart, on its own slot…
    expect(sorted([...seen.keys()])).toEqual(sorted(monitors));
    for (const id of monitors) {
      expect(seen.get(id)).toEqual([nextSlotAfter(restartAt, MIN, slotOffsetMs(id, MIN))]);
    }
    // …and spread over the minute rather than all at once (mean 2 per second here).
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(N / 10);
    expect(perSecond.filter((n) => n > 0).length).toBeGreaterThanOrEqual(35);
  });

  it("after a short restart, only slots within the grace run at once; older ones wait for their next slot", async () => {
    const N = 60;
    const GRACE = 20_000;
    const createdAt = freshDay();
    const monitors = await create(N);
    clock.set(createdAt + MIN);
    const claimed = await claim();
    expect(claimed.length).toBe(N);
    const nextDue = new Map(claimed.map((c) => [c.spec.monitorId, c.slotAt + MIN]));

    const restartAt = createdAt + 2 * MIN + 5_000;
    clock.set(restartAt);
    const inGrace = monitors.filter((id) => nextDue.get(id)! >= restartAt - GRACE);
    const moved = await resumeAfterRestart(up.rt, GRACE);
    expect(moved).toBe(N - inGrace.length);
    const now = await claim();
    expect(ids(now)).toEqual(sorted(inGrace));
    for (const c of now) expect(c.slotAt).toBe(nextDue.get(c.spec.monitorId));
    // Everyone else resumes on their natural slot after the restart, none of them now.
    expect(await claim()).toEqual([]);
    clock.set(restartAt + MIN);
    const later = await claim();
    expect(ids(later)).toEqual(sorted(monitors));
    for (const c of later) {
      expect(c.slotAt).toBe(latestSlotAtOrBefore(restartAt + MIN, MIN, slotOffsetMs(c.spec.monitorId, MIN)));
    }
  });
  it("a slot claimed once is never returned again, even when its schedule is moved back onto it", async () => {
    const createdAt = freshDay();
    const [id] = await create(1);
    clock.set(createdAt + MIN);
    const [first] = await claim();
    expect(first?.spec.monitorId).toBe(id);
    // Something (a clock step, a resume) puts the schedule back on the slot just claimed.
    await up.rt.db
      .updateTable("monitor_schedules")
      .set({ next_due_at: new Date(first!.slotAt) })
      .where("monitor_id", "=", id!)
      .execute();
    expect(await claim()).toEqual([]);
    // The one after it comes as usual.
    clock.set(first!.slotAt + MIN);
    expect((await claim()).map((c) => c.slotAt)).toEqual([first!.slotAt + MIN]);
  });

  it("a scheduler starting beside a live one claims no slot twice and skips none of its backlog", async () => {
    const N = 40;
    const createdAt = freshDay();
    const monitors = await create(N);
    // The live scheduler claims a tick ahead, as it does (its horizon): next slots lie up to an
    // interval + 1 s away.
    clock.set(createdAt + MIN);
    const claimed = await claimDueChecks(up.rt, 10_000, clock.now() + 1_000);
    expect(claimed.length).toBe(N);
    // A restart at this instant finds nothing to move: a schedule a claim horizon ahead is not
    // one left by a clock step (moving it back would land on the slot just claimed).
    expect(await resumeAfterRestart(up.rt, 2_000)).toBe(0);
    const again = await claimDueChecks(up.rt, 10_000, clock.now() + 1_000);
    // (A monitor whose first slot fell in the first second has its second inside the horizon too.)
    const key = (c: DueCheck) => `${c.spec.monitorId}@${c.slotAt}`;
    expect(again.map(key).filter((k) => claimed.map(key).includes(k))).toEqual([]);
    claimed.push(...again);
    // It is registered and beating; the new one starts a moment later, when the live one has
    // fallen 10 s behind (a busy machine): its overdue slots are its backlog, not missed ones.
    await upsertProcess(
      up.rt.db,
      {
        id: "prc_live_scheduler",
        roles: ["scheduler"],
        region: up.rt.region,
        version: "test",
        host: "here",
        pid: 1,
        started_at: new Date(createdAt),
        organization_id: null,
      },
      new Date(createdAt + 2 * MIN),
    );
    clock.set(createdAt + 2 * MIN + 10_000);
    expect(await resumeAfterRestart(up.rt, 2_000, "prc_new_scheduler")).toBe(0);
    const backlog = await claim();
    expect(ids(backlog)).toEqual(sorted(monitors));
    // Each one's latest due slot, now (a late claim takes the latest missed slot, never a backlog).
    for (const c of backlog) {
      expect(c.slotAt).toBe(latestSlotAtOrBefore(clock.now(), MIN, slotOffsetMs(c.spec.monitorId, MIN)));
    }
    // Alone (the other one stopped beating long ago), the same restart skips the missed slots.
    clock.set(createdAt + 10 * MIN);
    expect(await resumeAfterRestart(up.rt, 2_000, "prc_new_scheduler")).toBe(N);
    await up.rt.db.deleteFrom("processes").where("id", "=", "prc_live_scheduler").execute();
  });
});
