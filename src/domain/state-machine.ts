import type { ResultStatus } from "./check-result.ts";
import type { MonitorState } from "./monitor.ts";

/** The part of a monitor's state the machine reads and writes. */
export interface StateSnapshot {
  state: MonitorState;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface Thresholds {
  failuresBeforeDown: number;
  successesBeforeUp: number;
}

export interface Transition {
  from: MonitorState;
  to: MonitorState;
}

export interface Step {
  next: StateSnapshot;
  transition?: Transition;
  /** `open` on entering down, `resolve` on leaving it; at most one per step. */
  incident?: "open" | "resolve";
}

/** What around a monitor changes how a result moves it. */
export interface Circumstances {
  /** Inside one of its maintenance windows. */
  maintenance?: boolean;
  /** At least one of its parent monitors is down. */
  parentDown?: boolean;
}

/**
 * Applies one judged result to a monitor's state.
 * - `unknown` (Upblit's own outage) and paused monitors never move.
 * - Entering `down` takes `failuresBeforeDown` down results in a row, from any state.
 * - Leaving `down` takes `successesBeforeUp` non-down results in a row; the new state is the
 *   latest result (`up` or `degraded`). Outside `down`, up/degraded follow the latest result.
 * - In a maintenance window the state is `maintenance` (an open incident resolves on entering
 *   it); the counters keep counting, so a monitor still failing when the window ends goes `down`
 *   (and alerts) on its first result after the window, exactly as from `pending`.
 * - A monitor that would go `down` while a parent is down goes `affected` instead; once the
 *   parent is back, the next failure takes it `down` (its counter kept counting meanwhile).
 */
export function applyResult(
  current: StateSnapshot,
  status: ResultStatus,
  t: Thresholds,
  circumstances: Circumstances = {},
): Step {
  if (status === "unknown" || current.state === "paused") return { next: current };
  if (circumstances.maintenance) return maintenanceStep(current, status);

  if (status === "down") {
    const next: StateSnapshot = {
      state: current.state,
      consecutiveFailures: current.consecutiveFailures + 1,
      consecutiveSuccesses: 0,
    };
    if (current.state !== "down" && next.consecutiveFailures >= t.failuresBeforeDown) {
      // A dependent of a down parent is `affected`: no incident, no alert of its own.
      if (circumstances.parentDown) {
        if (current.state === "affected") return { next: { ...next, state: "affected" } };
        return {
          next: { ...next, state: "affected" },
          transition: { from: current.state, to: "affected" },
        };
      }
      return {
        next: { ...next, state: "down" },
        transition: { from: current.state, to: "down" },
        incident: "open",
      };
    }
    return { next };
  }

  const next: StateSnapshot = {
    state: current.state,
    consecutiveFailures: 0,
    consecutiveSuccesses: current.consecutiveSuccesses + 1,
  };
  if (current.state === "down") {
    if (next.consecutiveSuccesses < t.successesBeforeUp) return { next };
    return {
      next: { ...next, state: status },
      transition: { from: "down", to: status },
      incident: "resolve",
    };
  }
  if (current.state === status) return { next };
  return { next: { ...next, state: status }, transition: { from: current.state, to: status } };
}

/** Pausing and resuming are transitions too; an open incident resolves on pause. */
export function pauseStep(current: StateSnapshot): Step {
  if (current.state === "paused") return { next: current };
  return {
    next: { state: "paused", consecutiveFailures: 0, consecutiveSuccesses: 0 },
    transition: { from: current.state, to: "paused" },
    incident: current.state === "down" ? "resolve" : undefined,
  };
}

export function resumeStep(current: StateSnapshot): Step {
  if (current.state !== "paused") return { next: current };
  return {
    next: { state: "pending", consecutiveFailures: 0, consecutiveSuccesses: 0 },
    transition: { from: "paused", to: "pending" },
  };
}

/** A result inside a maintenance window: counted, but the state only ever shows `maintenance`. */
function maintenanceStep(current: StateSnapshot, status: ResultStatus): Step {
  const failed = status === "down";
  const next: StateSnapshot = {
    state: "maintenance",
    consecutiveFailures: failed ? current.consecutiveFailures + 1 : 0,
    consecutiveSuccesses: failed ? 0 : current.consecutiveSuccesses + 1,
  };
  if (current.state === "maintenance") return { next };
  return {
    next,
    transition: { from: current.state, to: "maintenance" },
    incident: current.state === "down" ? "resolve" : undefined,
  };
}
