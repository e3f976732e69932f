import type { MonitorState } from "../../domain/monitor.ts";

/**
 * The public vocabulary of status pages, shared by the HTML page, the Statuspage-shaped JSON, the
 * live stream and the badges. Pure functions: a monitor's internal state becomes a component
 * status and a failure becomes a category, never the raw error or anything about the target.
 */

/** Atlassian Statuspage's component statuses (api/v2/summary.json). */
export const COMPONENT_STATUSES = [
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** Atlassian Statuspage's page indicators (api/v2/status.json). */
export const PAGE_INDICATORS = ["none", "minor", "major", "critical", "maintenance"] as const;
export type PageIndicator = (typeof PAGE_INDICATORS)[number];

export interface PageStatus {
  indicator: PageIndicator;
  description: string;
}

/**
 * A monitor state as a component status. `affected` (failing because a parent is down) reads as a
 * partial outage; `pending` and `paused` have no verdict and read as operational in the JSON,
 * while the HTML page says "Awaiting data" / "Not monitored" (see `stateLabel`).
 */
export function componentStatusOf(state: MonitorState): ComponentStatus {
  switch (state) {
    case "degraded":
      return "degraded_performance";
    case "affected":
      return "partial_outage";
    case "down":
      return "major_outage";
    case "maintenance":
      return "under_maintenance";
    default:
      return "operational";
  }
}

const STATE_LABELS: Record<MonitorState, string> = {
  up: "Operational",
  degraded: "Degraded performance",
  affected: "Partial outage",
  down: "Major outage",
  maintenance: "Under maintenance",
  pending: "Awaiting data",
  paused: "Not monitored",
};

/** The words a visitor reads for a state; every state has its own, so colour is never alone. */
export function stateLabel(state: MonitorState): string {
  return STATE_LABELS[state];
}

/** States that say nothing about the service (no data yet, or not checked). */
const SILENT_STATES: ReadonlySet<MonitorState> = new Set(["pending", "paused"]);

/**
 * The page's overall status from its components, with Statuspage's wording: every judged
 * component in major outage is `critical`; any outage `major`; any degradation `minor`; any
 * maintenance `maintenance`; else `none`. Components with no verdict are left out.
 */
export function pageStatusOf(states: readonly MonitorState[]): PageStatus {
  const judged = states.filter((s) => !SILENT_STATES.has(s)).map(componentStatusOf);
  const has = (s: ComponentStatus) => judged.includes(s);
  if (judged.length > 0 && judged.every((s) => s === "major_outage")) {
    return { indicator: "critical", description: "Major System Outage" };
  }
  if (has("major_outage") || has("partial_outage")) {
    return { indicator: "major", description: "Partial System Outage" };
  }
  if (has("degraded_performance")) return { indicator: "minor", description: "Partially Degraded Service" };
  if (has("under_maintenance")) return { indicator: "maintenance", description: "Service Under Maintenance" };
  return { indicator: "none", description: "All Systems Operational" };
}

const CATEGORIES: Record<string, string> = {
  timeout: "Timeout",
  dns: "DNS failure",
  refused: "Connection failure",
  reset: "Connection failure",
  unreachable: "Connection failure",
  // A blocked target is a configuration matter; the public sees a connection failure.
  blocked: "Connection failure",
  tls: "TLS failure",
  protocol: "Protocol error",
  too_many_redirects: "Redirect error",
  internal: "Check failed",
};

/**
 * The category of a failed or degraded check, the only thing public output says about why:
 * from the error kind, else from the HTTP status, else from the result. Never the raw message.
 */
export function failureCategory(failure: {
  status: string;
  errorKind: string | null;
  statusCode: number | null;
}): string {
  if (failure.errorKind) return CATEGORIES[failure.errorKind] ?? "Check failed";
  if (failure.statusCode !== null && failure.statusCode >= 400) return "HTTP error";
  return failure.status === "degraded" ? "Slow or degraded response" : "Unexpected response";
}

/** (up + degraded) / judged checks, or null when nothing was judged. */
export function uptimeRatio(c: { up: number; degraded: number; down: number }): number | null {
  const judged = c.up + c.degraded + c.down;
  return judged === 0 ? null : (c.up + c.degraded) / judged;
}

/** An uptime ratio as people read it: 100%, 99.95%, 97.3%; two decimals at most, never rounded up to 100. */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return "No data";
  if (ratio >= 1) return "100%";
  const floored = Math.floor(ratio * 10_000) / 100;
  return `${floored.toFixed(2).replace(/\.?0+$/, "")}%`;
}
