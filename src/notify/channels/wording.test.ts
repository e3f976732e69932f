import { describe, expect, it } from "vitest";
import { sampleMessage } from "../../test/alerts.ts";
import { durationText, linksOf, summaryLines, titleOf } from "./wording.ts";

describe("alert wording", () => {
  it("titles each event, marking drills but not test-sends twice", () => {
    expect(titleOf(sampleMessage())).toBe("🔴 DOWN: Checkout API");
    expect(titleOf(sampleMessage({ event: "up" }))).toBe("🟢 UP: Checkout API");
    expect(titleOf(sampleMessage({ event: "degraded" }))).toBe("🟠 DEGRADED: Checkout API");
    expect(titleOf(sampleMessage({ event: "test", drill: true }))).toBe("🧪 TEST: Checkout API");
    expect(titleOf(sampleMessage({ drill: true }))).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(titleOf(sampleMessage({ event: "up", drill: true }))).toBe("[DRILL] 🟢 UP: Checkout API");
  });

  it("states what happened, since when, why, and where", () => {
    expect(summaryLines(sampleMessage())).toEqual([
      "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
      "Cause: status is 503, expected one of [200]",
      "Monitor: http https://shop.example.com/health",
      "Organization: Acme",
    ]);
    expect(summaryLines(sampleMessage({ event: "degraded", state: "degraded", cause: null }))[0]).toBe(
      "Checkout API is degraded since 2026-11-22 10:00:00 UTC (was up).",
    );
  });

  it("words a recovery with the duration when known, and no cause", () => {
    const up = {
      event: "up" as const,
      state: "up",
      previousState: "down",
      since: "2026-11-22T11:30:00.000Z",
      cause: "status is 503",
    };
    const incident = { id: "inc_1", startedAt: "2026-11-22T10:00:00.000Z", resolvedAt: null };
    expect(summaryLines(sampleMessage({ ...up, incident: { ...incident, durationMs: 5_400_000 } }))).toEqual([
      "Checkout API is up again since 2026-11-22 11:30:00 UTC (was down).",
      "It was down for 1 h 30 min.",
      "Monitor: http https://shop.example.com/health",
      "Organization: Acme",
    ]);
    const unknown = summaryLines(sampleMessage({ ...up, incident: { ...incident, durationMs: null } }));
    expect(unknown.some((line) => line.startsWith("It was down"))).toBe(false);
  });

  it("says a drill and a test-send are not real", () => {
    expect(summaryLines(sampleMessage({ drill: true })).at(-1)).toBe(
      "This is a DRILL: a simulated alert, nothing is actually down.",
    );
    const test = summaryLines(sampleMessage({ event: "test", drill: true, cause: null }));
    expect(test[0]).toBe("Test message for Checkout API: this channel is set up correctly.");
    expect(test.at(-1)).toBe("This is a test-send from Upblit: nothing is wrong.");
  });

  it("keeps an unparsable instant as given", () => {
    expect(summaryLines(sampleMessage({ since: "yesterday" }))[0]).toBe(
      "Checkout API is down since yesterday (was up).",
    );
  });

  it("lists the monitor, acknowledge and runbook links, skipping the missing ones", () => {
    expect(linksOf(sampleMessage()).map((link) => link.label)).toEqual([
      "Open monitor",
      "Acknowledge",
      "Runbook",
    ]);
    expect(linksOf(sampleMessage({ acknowledgeUrl: null, runbookUrl: null }))).toEqual([
      { label: "Open monitor", url: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000" },
    ]);
    const incidentUrl = "https://upblit.example.com/incidents/inc_01jdx0000000000000000000000";
    expect(linksOf(sampleMessage({ incidentUrl })).map((link) => [link.label, link.url])).toEqual([
      ["Open monitor", "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000"],
      ["Open incident", incidentUrl],
      ["Acknowledge", sampleMessage().acknowledgeUrl],
      ["Runbook", sampleMessage().runbookUrl],
    ]);
  });

  it("writes durations with their two largest units", () => {
    expect(durationText(0)).toBe("0 s");
    expect(durationText(400)).toBe("0 s");
    expect(durationText(45_000)).toBe("45 s");
    expect(durationText(60_000)).toBe("1 min");
    expect(durationText(725_000)).toBe("12 min 5 s");
    expect(durationText(3 * 3_600_000 + 20 * 60_000 + 9_000)).toBe("3 h 20 min");
    expect(durationText(3_600_000 + 30_000)).toBe("1 h");
    expect(durationText(2 * 86_400_000 + 4 * 3_600_000)).toBe("2 d 4 h");
    expect(durationText(-5)).toBe("0 s");
  });
});
