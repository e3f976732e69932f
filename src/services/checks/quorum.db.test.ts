import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { createMonitor } from "../monitors/create.ts";
import { beatProbe } from "../regions/presence.ts";
import { createRegion } from "../regions/regions.ts";
import { recordResults } from "./record-results.ts";

const T0 = Date.UTC(2031, 6, 1);
const MIN = 60_000;

describe.each(DB_KINDS)("quorum of regions on %s", (kind) => {
  const clock = new ManualClock(T0);
  let up: TestUpblit;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    for (const name of ["eu", "us", "ap", "mute-1", "mute-2"]) {
      await createRegion(up.ctx, { name, kind: "remote", description: null });
    }
  });
  afterAll(async () => up?.close());

  /** Probes of these regions are live now (the others have never been seen: silent). */
  async function live(...regions: string[]): Promise<void> {
    for (const region of regions) {
      await beatProbe(
        up.rt.db,
        // Remote regions: their organization's probes count (services/regions/presence.ts).
        { probeId: `prb_${region}`, region, host: "test", startedAt: T0, organizationId: up.organizationId },
        clock.now(),
      );
    }
  }

  async function monitor(regions: string[], quorum: number | null = null): Promise<string> {
    return (
      await createMonitor(up.ctx, monitorDefinition({ name: `q ${regions.join(",")}`, regions, quorum }))
    ).id;
  }

  function result(monitorId: string, region: string, slot: number, status: ResultStatus): CheckResult {
    const slotAt = T0 + slot * MIN;
    return {
      monitorId,
      organizationId: up.organizationId,
      region,
      slotAt,
      startedAt: slotAt + 10,
      manual: false,
      status,
      statusCode: status === "down" ? 503 : 200,
      timings: { total: 4 },
      error: status === "down" ? { kind: "protocol", message: `503 from ${region}` } : undefined,
      verdicts: [],
    };
  }

  const db = () => up.rt.db;
  const state = (id: string) =>
    db().selectFrom("monitor_state").selectAll().where("monitor_id", "=", id).executeTakeFirstOrThrow();
  const incidents = (id: string) =>
    db().selectFrom("incidents").selectAll().where("monitor_id", "=", id).orderBy("started_at").execute();
  const events = (id: string) =>
    db().selectFrom("monitor_events").selectAll().where("monitor_id", "=", id).orderBy("at").execute();

  it("2 of 3: one region down opens nothing; two in the same slot open one incident that names them", async () => {
    clock.set(T0 + 10 * MIN);
    await live("eu", "us", "ap");
    const id = await monitor(["eu", "us", "ap"]);

    // Slot 1: a flaky eu probe alone sees it down.
    await recordResults(up.rt, [result(id, "eu", 1, "down"), result(id, "us", 1, "up")]);
    await recordResults(up.rt, [result(id, "ap", 1, "up")]);
    expect((await state(id)).state).toBe("up");
    expect(await incidents(id)).toEqual([]);

    // Slot 2: eu down, then ap up, then us down: the second down makes the quorum.
    await recordResults(up.rt, [result(id, "eu", 2, "down")]);
    expect((await state(id)).state).toBe("up");
    await recordResults(up.rt, [result(id, "ap", 2, "up")]);
    expect((await state(id)).state).toBe("up");
    await recordResults(up.rt, [result(id, "us", 2, "down")]);
    const s = await state(id);
    expect(s.state).toBe("down");
    const opened = await incidents(id);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.regions).toEqual({ eu: "down", us: "down", ap: "up" });
    expect(opened[0]!.cause).toBe("protocol: 503 from eu");
    expect(s.open_incident_id).toBe(opened[0]!.id);
    const ev = await events(id);
    expect(ev.map((e) => [e.from_state, e.to_state, e.regions])).toEqual([
      ["pending", "up", { eu: "down", us: "up", ap: "up" }],
      ["up", "down", { eu: "down", us: "down", ap: "up" }],
    ]);

    // The same slot's results again (a redelivery) change nothing; a third down is too late to matter.
    await recordResults(up.rt, [result(id, "us", 2, "down"), result(id, "ap", 2, "down")]);
    expect(await incidents(id)).toHaveLength(1);

    // Slot 3: two regions up again, eu still down: the incident resolves, recording the view.
    await recordResults(up.rt, [
      result(id, "eu", 3, "down"),
      result(id, "us", 3, "up"),
      result(id, "ap", 3, "up"),
    ]);
    const after = await incidents(id);
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe("resolved");
    expect((await events(id)).at(-1)).toMatchObject({
      from_state: "down",
      to_state: "up",
      regions: { eu: "down", us: "up", ap: "up" },
    });
  });

  it("a region whose probes are all silent counts as unknown, never as down", async () => {
    clock.set(T0 + 20 * MIN);
    await live("eu");
    const id = await monitor(["eu", "mute-1", "mute-2"]);
    await recordResults(up.rt, [result(id, "eu", 11, "down")]);
    const s = await state(id);
    expect(s.state).toBe("pending");
    expect(s.last_status).toBe("unknown");
    expect(await incidents(id)).toEqual([]);
    // With a quorum of 1 the one live region decides alone.
    const one = await monitor(["eu", "mute-1", "mute-2"], 1);
    await recordResults(up.rt, [result(one, "eu", 11, "down")]);
    const opened = await incidents(one);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.regions).toEqual({ eu: "down", "mute-1": "unknown", "mute-2": "unknown" });
  });

  it("a live region that never reports is closed as unknown when the next slot begins", async () => {
    clock.set(T0 + 30 * MIN);
    await live("eu", "us", "ap");
    const id = await monitor(["eu", "us", "ap"]);
    await recordResults(up.rt, [result(id, "eu", 21, "down")]);
    expect((await state(id)).state).toBe("pending");
    await recordResults(up.rt, [result(id, "eu", 22, "up"), result(id, "us", 22, "up")]);
    const ev = await events(id);
    // Slot 21 closed with us and ap unknown (one down is no quorum): only slot 22 moved the state,
    // as soon as two regions saw it up (ap had not reported yet: unknown when it was decided).
    expect(ev.map((e) => [e.to_state, e.regions])).toEqual([["up", { eu: "up", us: "up", ap: "unknown" }]]);
    expect(await incidents(id)).toEqual([]);
  });

  it("a manual check of one region is stored but moves nothing", async () => {
    clock.set(T0 + 40 * MIN);
    await live("eu", "us", "ap");
    const id = await monitor(["eu", "us"], 1);
    const manual = { ...result(id, "eu", 31, "down"), manual: true };
    expect(await recordResults(up.rt, [manual])).toEqual({ stored: 1 });
    expect((await state(id)).state).toBe("pending");
    expect(await incidents(id)).toEqual([]);
  });
});
