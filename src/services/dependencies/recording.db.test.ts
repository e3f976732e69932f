import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { recordResults } from "../checks/record-results.ts";
import { getIncident } from "../incidents/query.ts";
import { createMonitor } from "../monitors/create.ts";

/**
 * Dependencies as recording sees them: a failing dependent of a down (or affected) parent goes
 * `affected`, opens no incident, and is listed on the parent's incident; the same holds when
 * parent and dependent fail in one batch, in any order.
 */
const T0 = Date.UTC(2031, 6, 1);
const MIN = 60_000;

describe.each(DB_KINDS)("dependencies in recording on %s", (kind) => {
  const clock = new ManualClock(T0);
  let up: TestUpblit;
  let slot = 0;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
  });
  afterAll(async () => up?.close());

  const monitor = async (name: string, parents: string[] = [], failuresBeforeDown = 1) =>
    (await createMonitor(up.ctx, monitorDefinition({ name, failuresBeforeDown }), { parents })).id;

  /** One result per monitor, all at the current minute, in the order given. */
  function batch(statuses: Array<[string, ResultStatus]>): CheckResult[] {
    slot++;
    return statuses.map(([monitorId, status], i) => ({
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      // Earlier monitors of the list get earlier slots, so slot order alone would step them first.
      slotAt: T0 + slot * MIN + i,
      startedAt: T0 + slot * MIN,
      manual: false,
      status,
      statusCode: status === "down" ? 500 : 200,
      timings: { total: 4 },
      verdicts: [],
    }));
  }
  const record = (statuses: Array<[string, ResultStatus]>) => recordResults(up.rt, batch(statuses));
  const state = async (id: string) =>
    (
      await up.rt.db
        .selectFrom("monitor_state")
        .select("state")
        .where("monitor_id", "=", id)
        .executeTakeFirstOrThrow()
    ).state;
  const incidents = (id: string) =>
    up.rt.db.selectFrom("incidents").selectAll().where("monitor_id", "=", id).orderBy("started_at").execute();
  const transitions = async (id: string) =>
    (
      await up.rt.db
        .selectFrom("monitor_events")
        .select(["from_state", "to_state", "incident_id"])
        .where("monitor_id", "=", id)
        .orderBy("id")
        .execute()
    ).map((e) => `${e.from_state}→${e.to_state}${e.incident_id ? "!" : ""}`);
  const dependentsOf = async (incidentId: string) =>
    (await getIncident(up.ctx, incidentId)).affectedDependents.map((d) => d.monitorId).sort();

  it("parent and dependent failing in one batch: the dependent is affected, whatever the order", async () => {
    const parent = await monitor("router");
    const child = await monitor("app behind the router", [parent]);
    // The child comes first in the batch and has the earlier slot.
    await record([
      [child, "down"],
      [parent, "down"],
    ]);
    expect(await state(parent)).toBe("down");
    expect(await state(child)).toBe("affected");
    expect(await incidents(child)).toEqual([]);
    expect(await transitions(child)).toEqual(["pending→affected"]);
    const [incident] = await incidents(parent);
    expect(await dependentsOf(incident!.id)).toEqual([child]);
    const listed = (await getIncident(up.ctx, incident!.id)).affectedDependents[0]!;
    expect(listed).toEqual({
      monitorId: child,
      name: "app behind the router",
      since: new Date(T0 + slot * MIN),
    });
  });

  it("ten dependents of a down parent: ten affected, no incidents, all listed on the parent's incident", async () => {
    const parent = await monitor("database");
    const children = await Promise.all(
      Array.from({ length: 10 }, (_, i) => monitor(`service ${i}`, [parent])),
    );
    await record([[parent, "down"]]);
    await record(children.map((c) => [c, "down"] as [string, ResultStatus]));
    for (const c of children) {
      expect(await state(c)).toBe("affected");
      expect(await incidents(c)).toEqual([]);
    }
    const [incident] = await incidents(parent);
    expect(await dependentsOf(incident!.id)).toEqual([...children].sort());
    // Still failing: no new transitions, no duplicate listing.
    await record(children.map((c) => [c, "down"] as [string, ResultStatus]));
    expect(await transitions(children[0]!)).toEqual(["pending→affected"]);
    expect(await dependentsOf(incident!.id)).toHaveLength(10);
  });

  it("outages are transitive: an affected parent makes its own dependents affected, listed on the root incident", async () => {
    const root = await monitor("core switch");
    const middle = await monitor("database", [root]);
    const leaf = await monitor("api", [middle]);
    await record([
      [leaf, "down"],
      [middle, "down"],
      [root, "down"],
    ]);
    expect([await state(root), await state(middle), await state(leaf)]).toEqual([
      "down",
      "affected",
      "affected",
    ]);
    const [incident] = await incidents(root);
    expect(await dependentsOf(incident!.id)).toEqual([middle, leaf].sort());
    expect(await incidents(middle)).toEqual([]);
    expect(await incidents(leaf)).toEqual([]);
  });

  it("a dependent still failing after its parent recovers goes down with its own incident", async () => {
    const parent = await monitor("dns");
    const child = await monitor("website", [parent]);
    await record([
      [parent, "down"],
      [child, "down"],
    ]);
    expect(await state(child)).toBe("affected");
    const [parentIncident] = await incidents(parent);
    // In one batch too: the parent's recovery counts before the child is judged.
    await record([
      [child, "down"],
      [parent, "up"],
    ]);
    expect(await state(parent)).toBe("up");
    expect(await state(child)).toBe("down");
    const [own] = await incidents(child);
    expect(own?.status).toBe("open");
    expect(await transitions(child)).toEqual(["pending→affected", "affected→down!"]);
    // The parent's resolved incident still lists it.
    expect(await dependentsOf(parentIncident!.id)).toEqual([child]);
  });

  it("a dependent recovering while affected goes up without an incident, and stays listed", async () => {
    const parent = await monitor("queue");
    const child = await monitor("worker", [parent]);
    await record([[parent, "down"]]);
    await record([[child, "down"]]);
    await record([[child, "up"]]);
    expect(await state(child)).toBe("up");
    expect(await transitions(child)).toEqual(["pending→affected", "affected→up"]);
    expect(await incidents(child)).toEqual([]);
    const [incident] = await incidents(parent);
    expect(await dependentsOf(incident!.id)).toEqual([child]);
  });

  it("with several parents, one down is enough; a dependent already down stays down", async () => {
    const a = await monitor("region a");
    const b = await monitor("region b");
    const both = await monitor("global app", [a, b]);
    const early = await monitor("failed first", [a]);
    await record([[early, "down"]]);
    expect(await state(early)).toBe("down");
    await record([
      [b, "down"],
      [both, "down"],
      [early, "down"],
    ]);
    expect(await state(both)).toBe("affected");
    expect(await state(early)).toBe("down");
    const [incident] = await incidents(b);
    expect(await dependentsOf(incident!.id)).toEqual([both]);
  });

  it("thresholds still count: a dependent needing two failures goes affected on the second", async () => {
    const parent = await monitor("load balancer");
    const child = await monitor("shop", [parent], 2);
    await record([
      [child, "down"],
      [parent, "down"],
    ]);
    expect(await state(child)).toBe("pending");
    await record([[child, "down"]]);
    expect(await state(child)).toBe("affected");
  });
});
