import { describe, expect, it } from "vitest";
import { sampleMessage } from "../../test/alerts.ts";
import { summaryLines, titleOf } from "./wording.ts";

describe("wording of reminders, escalations and acknowledgements", () => {
  it("a reminder says it is still down, since when, for how long, and that nobody acknowledged it", () => {
    const message = sampleMessage({ event: "reminder", reminder: { count: 3, downForMs: 45 * 60_000 } });
    expect(titleOf(message)).toBe("🔁 STILL DOWN: Checkout API");
    expect(summaryLines(message)[0]).toBe(
      "Checkout API is still down since 2026-11-22 10:00:00 UTC (45 min), not acknowledged (reminder 3).",
    );
  });

  it("an escalation is a down alert that says it escalated, after how long, at which level", () => {
    const message = sampleMessage({ escalation: { level: 2, afterMinutes: 30 } });
    expect(titleOf(message)).toBe("🔴 DOWN (ESCALATED, LEVEL 2): Checkout API");
    expect(summaryLines(message)).toContain("Escalated: not acknowledged after 30 min (escalation level 2).");
    expect(summaryLines(sampleMessage()).some((l) => l.startsWith("Escalated"))).toBe(false);
  });

  it("an acknowledgement says who, when and the note (and no colon without a note)", () => {
    const at = "2026-11-22T10:07:00.000Z";
    const withNote = sampleMessage({
      event: "acknowledged",
      acknowledgeUrl: null,
      acknowledgement: { by: "link from channel ops", at, note: "rolling back" },
    });
    expect(titleOf(withNote)).toBe("✋ ACKNOWLEDGED: Checkout API");
    expect(summaryLines(withNote).slice(0, 2)).toEqual([
      "Acknowledged by link from channel ops at 2026-11-22 10:07:00 UTC: rolling back",
      "Checkout API is down since 2026-11-22 10:00:00 UTC.",
    ]);
    const bare = sampleMessage({ event: "acknowledged", acknowledgement: { by: "Ada", at, note: null } });
    expect(summaryLines(bare)[0]).toBe("Acknowledged by Ada at 2026-11-22 10:07:00 UTC.");
  });
});
