import { describe, expect, it } from "vitest";
import { describePolicy, type RuleLike } from "./policy.ts";

const CHANNELS = [
  { id: "chn_slack", name: "Slack #ops", events: ["down", "up", "acknowledged"], enabled: true },
  { id: "chn_pd", name: "PagerDuty", events: ["down", "up"], enabled: true },
  { id: "chn_cto", name: "CTO phone", events: ["up"], enabled: true },
  { id: "chn_gone", name: "Old hook", events: ["down"], enabled: false },
];
const rule = (over: Partial<RuleLike> = {}): RuleLike => ({
  tags: [],
  events: ["down", "up"],
  channelIds: ["chn_slack"],
  reminderMinutes: null,
  escalation: [],
  enabled: true,
  ...over,
});

describe("a rule read as a policy", () => {
  it("reads the issue's example: down → Slack; 15 min unacknowledged → PagerDuty", () => {
    const p = describePolicy(rule({ escalation: [{ afterMinutes: 15, channelIds: ["chn_pd"] }] }), CHANNELS);
    expect(p.sentence).toBe(
      "Every monitor: Down, Up → Slack #ops; 15 min unacknowledged → PagerDuty. Acknowledging the incident stops its reminders and escalation.",
    );
    expect(p.steps.map((s) => s.kind)).toEqual(["events", "escalation"]);
    expect(p.warnings).toEqual([]);
  });

  it("names the tags, the reminder, every escalation step in time order and the acknowledgement", () => {
    const p = describePolicy(
      rule({
        tags: ["db", "postgres"],
        events: ["down", "up", "acknowledged"],
        channelIds: ["chn_slack", "chn_pd"],
        reminderMinutes: 30,
        escalation: [
          { afterMinutes: 60, channelIds: ["chn_cto"] },
          { afterMinutes: 10, channelIds: ["chn_pd"] },
        ],
      }),
      CHANNELS,
    );
    expect(p.scope).toBe("Monitors tagged any of db, postgres");
    expect(p.steps.map((s) => `${s.trigger} → ${s.channels.join(", ")}`)).toEqual([
      "Down, Up → Slack #ops, PagerDuty",
      "every 30 min unacknowledged, a reminder → Slack #ops, PagerDuty",
      "10 min unacknowledged → PagerDuty",
      "60 min unacknowledged → CTO phone",
      "Acknowledged → Slack #ops, PagerDuty",
    ]);
    expect(p.acknowledgement).toContain("stops its reminders and escalation");
  });

  it("warns about routes the server would not follow: deaf, disabled and deleted channels", () => {
    const p = describePolicy(
      rule({
        events: ["down", "degraded"],
        channelIds: ["chn_pd", "chn_gone", "chn_deleted"],
        escalation: [{ afterMinutes: 5, channelIds: ["chn_cto"] }],
      }),
      CHANNELS,
    );
    expect(p.warnings).toEqual([
      "PagerDuty does not listen to Degraded: those alerts will not reach it.",
      "Old hook is disabled (a receiver refused it): it hears nothing until saved again.",
      "Old hook does not listen to Degraded: those alerts will not reach it.",
      "Channel chn_deleted no longer exists.",
      "CTO phone does not listen to Down: those alerts will not reach it.",
    ]);
    expect(p.steps[0]?.channels).toEqual(["PagerDuty", "Old hook", "chn_deleted"]);
  });

  it("has no reminder or escalation without down, and says when a rule sends nothing or is off", () => {
    const upOnly = describePolicy(
      rule({
        events: ["up"],
        reminderMinutes: 10,
        escalation: [{ afterMinutes: 5, channelIds: ["chn_pd"] }],
      }),
      CHANNELS,
    );
    expect(upOnly.steps.map((s) => s.kind)).toEqual(["events"]);
    expect(upOnly.acknowledgement).toBeNull();
    const empty = describePolicy(rule({ channelIds: [], enabled: false, tags: ["web"] }), CHANNELS);
    expect(empty.sentence).toBe("Off: Monitors tagged web: sends nothing yet.");
  });
});
