/**
 * The status people give an incident, apart from its lifecycle (`open` while the monitor is
 * down, `resolved` once it recovered), which only the evaluator changes. docs/incidents.md.
 */
export const WORKFLOW_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/**
 * Which status a person may move an incident to: between the three working statuses in either
 * direction (a fix that did not hold goes back to investigating), and from any of them to
 * resolved. Resolved is final: a new failure opens a new incident. The monitor's recovery resolves
 * an incident on its own, whatever its status.
 */
export const WORKFLOW_TRANSITIONS: Readonly<Record<WorkflowStatus, readonly WorkflowStatus[]>> = {
  investigating: ["identified", "monitoring", "resolved"],
  identified: ["investigating", "monitoring", "resolved"],
  monitoring: ["investigating", "identified", "resolved"],
  resolved: [],
};

/** Whether a person may move an incident from `from` to `to`; staying put is always allowed. */
export function canMoveWorkflow(from: WorkflowStatus, to: WorkflowStatus): boolean {
  return from === to || WORKFLOW_TRANSITIONS[from].includes(to);
}

/** Longest note or postmortem (markdown), and most notes one incident holds. */
export const INCIDENT_NOTE_MAX = 10_000;
export const INCIDENT_NOTES_PER_INCIDENT = 1_000;
