import { describe, expect, it } from "vitest";
import { canMoveWorkflow, WORKFLOW_STATUSES } from "./incident-workflow.ts";

describe("incident workflow transitions", () => {
  it("moves freely between the working statuses and to resolved, never out of resolved", () => {
    const open = WORKFLOW_STATUSES.filter((s) => s !== "resolved");
    for (const from of open) for (const to of WORKFLOW_STATUSES) expect(canMoveWorkflow(from, to)).toBe(true);
    for (const to of open) expect(canMoveWorkflow("resolved", to)).toBe(false);
    expect(canMoveWorkflow("resolved", "resolved")).toBe(true);
  });
});
