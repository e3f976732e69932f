import { describe, expect, it } from "vitest";
import type { ResultStatus } from "./check-result.ts";
import { MONITOR_STATES, type MonitorState } from "./monitor.ts";
import { applyResult, pauseStep, resumeStep, type StateSnapshot, type Thresholds } from "./state-machine.ts";

const ONE: Thresholds = { failuresBeforeDown: 1, successesBeforeUp: 1 };
const at = (state: MonitorState, consecutiveFailures = 0, consecutiveSuccesses = 0): StateSnapshot => ({
  state,
  consecutiveFailures,
  consecutiveSuccesses,
});

/** Feeds statuses one by one; returns the last snapshot and every step's transition/incident. */
function run(start: StateSnapshot, statuses: ResultStatus[], t: Thresholds) {
  let s = start;
  const transitions: string[] = [];
  const incidents: string[] = [];
  for (const status of statuses) {
    const step = applyResult(s, status, t);
    if (step.transition) transitions.push(`${step.transition.from}->${step.transition.to}`);
    if (step.incident) incidents.push(step.incident);
    s = step.next;
  }
  return { s, transitions, incidents };
}

describe("applyResult with thresholds of 1", () => {
  const cases: Array<[MonitorState, ResultStatus, MonitorState, "open" | "resolve" | undefined]> = [
    ["pending", "up", "up", undefined],
    ["pending", "degraded", "degraded", undefined],
    ["pending", "down", "down", "open"],
    ["up", "degraded", "degraded", undefined],
    ["up", "down", "down", "open"],
    ["degraded", "up", "up", undefined],
    ["degraded", "down", "down", "open"],
    ["down", "up", "up", "resolve"],
    ["down", "degraded", "degraded", "resolve"],
  ];
  it.each(cases)("%s + %s → %s (incident %s)", (from, status, to, incident) => {
    const step = applyResult(at(from), status, ONE);
    expect(step.next.state).toBe(to);
    expect(step.transition).toEqual({ from, to });
    expect(step.incident).toBe(incident);
  });

  it.each([
    ["up", "up"],
    ["degraded", "degraded"],
    ["down", "down"],
  ] as const)("%s + %s stays, with no transition and no second incident", (state, status) => {
    const step = applyResult(at(state, 4, 4), status, ONE);
    expect(step.next.state).toBe(state);
    expect(step.transition).toBeUndefined();
    expect(step.incident).toBeUndefined();
  });

  it("counts streaks and resets the other counter", () => {
    expect(applyResult(at("up", 0, 5), "up", ONE).next).toEqual(at("up", 0, 6));
    expect(applyResult(at("down", 3, 0), "down", ONE).next).toEqual(at("down", 4, 0));
    expect(applyResult(at("up", 0, 5), "down", ONE).next).toEqual(at("down", 1, 0));
    expect(applyResult(at("down", 3, 0), "up", ONE).next).toEqual(at("up", 0, 1));
  });
});

describe("failuresBeforeDown", () => {
  const t: Thresholds = { failuresBeforeDown: 3, successesBeforeUp: 1 };

  it.each(["pending", "up", "degraded"] as const)("%s needs exactly 3 down results in a row", (from) => {
    const two = run(at(from), ["down", "down"], t);
    expect(two.s).toEqual(at(from, 2, 0));
    expect(two.transitions).toEqual([]);
    const three = run(at(from), ["down", "down", "down"], t);
    expect(three.s.state).toBe("down");
    expect(three.transitions).toEqual([`${from}->down`]);
    expect(three.incidents).toEqual(["open"]);
  });

  it("a success in between restarts the count", () => {
    const r = run(at("up"), ["down", "down", "up", "down", "down"], t);
    expect(r.s).toEqual(at("up", 2, 0));
    expect(r.incidents).toEqual([]);
    expect(run(r.s, ["down"], t).incidents).toEqual(["open"]);
  });

  it("a degraded result also restarts the count (it is not a failure)", () => {
    const r = run(at("up"), ["down", "down", "degraded", "down", "down"], t);
    expect(r.s.state).toBe("degraded");
    expect(r.incidents).toEqual([]);
  });

  it("further failures while down open nothing more", () => {
    const r = run(at("up"), Array<ResultStatus>(10).fill("down"), t);
    expect(r.incidents).toEqual(["open"]);
    expect(r.transitions).toEqual(["up->down"]);
    expect(r.s).toEqual(at("down", 10, 0));
  });
});

describe("successesBeforeUp", () => {
  const t: Thresholds = { failuresBeforeDown: 1, successesBeforeUp: 3 };

  it("leaving down needs exactly 3 non-down results in a row", () => {
    const two = run(at("down", 7, 0), ["up", "up"], t);
    expect(two.s).toEqual(at("down", 0, 2));
    expect(two.incidents).toEqual([]);
    const three = run(at("down", 7, 0), ["up", "up", "up"], t);
    expect(three.s).toEqual(at("up", 0, 3));
    expect(three.transitions).toEqual(["down->up"]);
    expect(three.incidents).toEqual(["resolve"]);
  });

  it("up and degraded both count; the new state is the latest result", () => {
    expect(run(at("down"), ["up", "degraded", "degraded"], t).s.state).toBe("degraded");
    const r = run(at("down"), ["degraded", "degraded", "up"], t);
    expect(r.s.state).toBe("up");
    expect(r.transitions).toEqual(["down->up"]);
  });

  it("a failure in between restarts the count, without a second incident", () => {
    const r = run(at("down"), ["up", "up", "down", "up", "up"], t);
    expect(r.s).toEqual(at("down", 0, 2));
    expect(r.incidents).toEqual([]);
    expect(run(r.s, ["up"], t).incidents).toEqual(["resolve"]);
  });

  it("does not delay up/degraded moves outside down", () => {
    expect(run(at("pending"), ["up"], t).s.state).toBe("up");
    expect(run(at("up"), ["degraded"], t).s.state).toBe("degraded");
    expect(run(at("degraded"), ["up"], t).s.state).toBe("up");
  });
});

describe("unknown and paused never move", () => {
  const statuses: ResultStatus[] = ["up", "degraded", "down", "unknown"];

  it.each(MONITOR_STATES)("unknown on %s changes nothing, counters included", (state) => {
    const current = at(state, 2, 3);
    const step = applyResult(current, "unknown", { failuresBeforeDown: 3, successesBeforeUp: 3 });
    expect(step).toEqual({ next: current });
  });

  it("unknown inside a failure streak neither counts nor breaks it", () => {
    const t = { failuresBeforeDown: 3, successesBeforeUp: 1 };
    const r = run(at("up"), ["down", "unknown", "unknown", "down"], t);
    expect(r.s).toEqual(at("up", 2, 0));
    expect(run(r.s, ["down"], t).incidents).toEqual(["open"]);
  });

  it("a long run of unknown while down neither resolves nor reopens", () => {
    const r = run(at("down", 1, 0), Array<ResultStatus>(50).fill("unknown"), ONE);
    expect(r.s).toEqual(at("down", 1, 0));
    expect(r.incidents).toEqual([]);
  });

  it.each(statuses)("paused + %s stays paused", (status) => {
    const current = at("paused");
    expect(applyResult(current, status, ONE)).toEqual({ next: current });
  });
});

describe("pause and resume", () => {
  it.each(["pending", "up", "degraded"] as const)("pausing %s moves to paused, no incident", (state) => {
    const step = pauseStep(at(state, 2, 0));
    expect(step.next).toEqual(at("paused"));
    expect(step.transition).toEqual({ from: state, to: "paused" });
    expect(step.incident).toBeUndefined();
  });

  it("pausing down resolves the open incident", () => {
    const step = pauseStep(at("down", 5, 0));
    expect(step.next).toEqual(at("paused"));
    expect(step.transition).toEqual({ from: "down", to: "paused" });
    expect(step.incident).toBe("resolve");
  });

  it("pausing a paused monitor and resuming a running one are no-ops", () => {
    expect(pauseStep(at("paused"))).toEqual({ next: at("paused") });
    for (const state of ["pending", "up", "degraded", "down"] as const) {
      expect(resumeStep(at(state, 1, 0))).toEqual({ next: at(state, 1, 0) });
    }
  });

  it("resuming starts over from pending with fresh counters", () => {
    const step = resumeStep(at("paused", 3, 3));
    expect(step.next).toEqual(at("pending"));
    expect(step.transition).toEqual({ from: "paused", to: "pending" });
    expect(step.incident).toBeUndefined();
  });

  it("a monitor resumed after a paused outage opens a new incident only on entering down again", () => {
    const paused = pauseStep(at("down", 5, 0));
    const resumed = resumeStep(paused.next);
    const r = run(resumed.next, ["down", "down"], ONE);
    expect(r.transitions).toEqual(["pending->down"]);
    expect(r.incidents).toEqual(["open"]);
  });
});

describe("invariants over long random sequences", () => {
  /** mulberry32: a small seeded PRNG, so a failure replays exactly. */
  function prng(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const STATUSES: ResultStatus[] = ["up", "degraded", "down", "unknown"];

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "seed %i: incidents alternate open/resolve and match the down state",
    (seed) => {
      const rand = prng(seed);
      const t = {
        failuresBeforeDown: 1 + Math.floor(rand() * 4),
        successesBeforeUp: 1 + Math.floor(rand() * 4),
      };
      let s = at("pending");
      let open = false;
      let opened = 0;
      let failuresSeen = 0;
      let regime = 0;
      for (let i = 0; i < 2_000; i++) {
        // Streaky input (healthy, failing and flapping spells), so thresholds are actually reached.
        if (i % 25 === 0) regime = Math.floor(rand() * 3);
        const status: ResultStatus =
          regime === 2
            ? STATUSES[Math.floor(rand() * 4)]!
            : rand() < 0.15
              ? "unknown"
              : regime === 0
                ? rand() < 0.8
                  ? "up"
                  : "degraded"
                : "down";
        const before = s;
        const step = applyResult(s, status, t);
        s = step.next;
        if (step.incident === "open") {
          expect(open).toBe(false);
          open = true;
          opened++;
        } else if (step.incident === "resolve") {
          expect(open).toBe(true);
          open = false;
        }
        expect(s.state === "down").toBe(open);
        expect(step.incident === undefined || step.transition !== undefined).toBe(true);
        if (step.transition) expect(step.transition).toEqual({ from: before.state, to: s.state });
        else expect(s.state).toBe(before.state);
        if (status === "down") failuresSeen++;
        else if (status !== "unknown") failuresSeen = 0;
        expect(s.consecutiveFailures).toBe(failuresSeen);
        // Never down with fewer failures in a row than the threshold, at the moment of entering.
        if (step.incident === "open") expect(failuresSeen).toBeGreaterThanOrEqual(t.failuresBeforeDown);
      }
      expect(opened).toBeGreaterThan(0);
    },
  );
});
