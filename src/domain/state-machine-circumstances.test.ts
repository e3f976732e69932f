import { describe, expect, it } from "vitest";
import type { ResultStatus } from "./check-result.ts";
import type { MonitorState } from "./monitor.ts";
import { applyResult, type Circumstances, type StateSnapshot, type Thresholds } from "./state-machine.ts";

const THREE: Thresholds = { failuresBeforeDown: 3, successesBeforeUp: 2 };
const at = (state: MonitorState, consecutiveFailures = 0, consecutiveSuccesses = 0): StateSnapshot => ({
  state,
  consecutiveFailures,
  consecutiveSuccesses,
});

/** Feeds (status, circumstances) pairs; returns the last snapshot and the transitions/incidents seen. */
function run(start: StateSnapshot, steps: Array<[ResultStatus, Circumstances]>) {
  let s = start;
  const transitions: string[] = [];
  const incidents: string[] = [];
  for (const [status, c] of steps) {
    const step = applyResult(s, status, THREE, c);
    if (step.transition) transitions.push(`${step.transition.from}->${step.transition.to}`);
    if (step.incident) incidents.push(step.incident);
    s = step.next;
  }
  return { s, transitions, incidents };
}

const IN = { maintenance: true };
const OUT = {};
const PARENT_DOWN = { parentDown: true };

describe("maintenance", () => {
  it.each(["pending", "up", "degraded"] as const)(
    "%s enters maintenance on the first result in the window, whatever the result",
    (state) => {
      for (const status of ["up", "degraded", "down"] as const) {
        const step = applyResult(at(state), status, THREE, IN);
        expect(step.next.state).toBe("maintenance");
        expect(step.transition).toEqual({ from: state, to: "maintenance" });
        expect(step.incident).toBeUndefined();
      }
    },
  );

  it("down entering maintenance resolves its open incident", () => {
    const step = applyResult(at("down", 5), "down", THREE, IN);
    expect(step.transition).toEqual({ from: "down", to: "maintenance" });
    expect(step.incident).toBe("resolve");
  });

  it("failures inside the window open nothing, however many", () => {
    const r = run(
      at("up"),
      Array.from({ length: 10 }, () => ["down", IN] as [ResultStatus, Circumstances]),
    );
    expect(r.transitions).toEqual(["up->maintenance"]);
    expect(r.incidents).toEqual([]);
    expect(r.s).toEqual(at("maintenance", 10, 0));
  });

  it("still failing when the window ends: down (and an incident) on the first result after it", () => {
    const r = run(at("up"), [
      ["down", IN],
      ["down", IN],
      ["down", IN],
      ["down", OUT],
    ]);
    expect(r.transitions).toEqual(["up->maintenance", "maintenance->down"]);
    expect(r.incidents).toEqual(["open"]);
  });

  it("healthy when the window ends: back to up with no incident", () => {
    const r = run(at("down", 3), [
      ["down", IN],
      ["up", IN],
      ["up", OUT],
    ]);
    expect(r.transitions).toEqual(["down->maintenance", "maintenance->up"]);
    expect(r.incidents).toEqual(["resolve"]);
  });

  it("a failure streak that starts in the window and crosses the threshold after it goes down", () => {
    const r = run(at("up"), [
      ["up", IN],
      ["down", IN],
      ["down", OUT],
      ["down", OUT],
    ]);
    expect(r.transitions).toEqual(["up->maintenance", "maintenance->down"]);
    expect(r.s.consecutiveFailures).toBe(3);
  });

  it("maintenance wins over a down parent", () => {
    const step = applyResult(at("up", 2), "down", THREE, { maintenance: true, parentDown: true });
    expect(step.next.state).toBe("maintenance");
  });

  it("paused monitors and unknown results do not move, even in a window", () => {
    expect(applyResult(at("paused"), "down", THREE, IN).transition).toBeUndefined();
    expect(applyResult(at("up"), "unknown", THREE, IN).transition).toBeUndefined();
  });
});

describe("dependencies (a parent is down)", () => {
  it("a child reaching its failure threshold is affected, with no incident", () => {
    const r = run(at("up"), [
      ["down", PARENT_DOWN],
      ["down", PARENT_DOWN],
      ["down", PARENT_DOWN],
      ["down", PARENT_DOWN],
    ]);
    expect(r.transitions).toEqual(["up->affected"]);
    expect(r.incidents).toEqual([]);
    expect(r.s).toEqual(at("affected", 4, 0));
  });

  it("still failing after the parent recovers: down, with its own incident", () => {
    const r = run(at("affected", 5), [["down", OUT]]);
    expect(r.transitions).toEqual(["affected->down"]);
    expect(r.incidents).toEqual(["open"]);
  });

  it("an affected child that recovers goes up with no incident to resolve", () => {
    const r = run(at("affected", 5), [["up", PARENT_DOWN]]);
    expect(r.transitions).toEqual(["affected->up"]);
    expect(r.incidents).toEqual([]);
  });

  it("a child already down stays down when its parent goes down, so its recovery still resolves", () => {
    const r = run(at("down", 4), [
      ["down", PARENT_DOWN],
      ["up", PARENT_DOWN],
      ["up", PARENT_DOWN],
    ]);
    expect(r.transitions).toEqual(["down->up"]);
    expect(r.incidents).toEqual(["resolve"]);
  });

  it("below the failure threshold nothing changes", () => {
    const step = applyResult(at("up", 1), "down", THREE, PARENT_DOWN);
    expect(step.transition).toBeUndefined();
    expect(step.next.state).toBe("up");
  });
});

describe("invariant: incidents alternate and match the down state, whatever the circumstances", () => {
  it.each([11, 12, 13, 14])("seed %i", (seed) => {
    let a = seed;
    const rand = () => {
      a = (a * 1_103_515_245 + 12_345) % 2_147_483_648;
      return a / 2_147_483_648;
    };
    const statuses: ResultStatus[] = ["up", "degraded", "down", "down", "unknown"];
    let s = at("pending");
    let open = false;
    for (let i = 0; i < 3_000; i++) {
      const c: Circumstances = { maintenance: rand() < 0.2, parentDown: rand() < 0.3 };
      const status = statuses[Math.floor(rand() * statuses.length)]!;
      const step = applyResult(s, status, THREE, c);
      if (step.incident === "open") {
        expect(open).toBe(false);
        open = true;
      } else if (step.incident === "resolve") {
        expect(open).toBe(true);
        open = false;
      }
      s = step.next;
      expect(s.state === "down").toBe(open);
      // An unknown result moves nothing, so only a judged one must leave down/affected behind.
      if (c.maintenance && status !== "unknown") expect(s.state).not.toMatch(/^(down|affected)$/);
    }
  });
});
