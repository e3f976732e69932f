/**
 * An alert rule read as a policy: "Monitors tagged db: Down, Up → PagerDuty; every 15 min
 * unacknowledged → reminder to PagerDuty; 10 min unacknowledged → Team lead". Each step is a
 * trigger and the channels it reaches; warnings name what the server would quietly not send
 * (a channel that does not listen to an event the rule routes to it).
 */
import { t } from "../../i18n/index.ts";
import { eventLabel } from "../channels/labels.ts";
import "../channels/messages.ts";

export interface RuleLike {
  tags: string[];
  events: string[];
  channelIds: string[];
  reminderMinutes: number | null;
  escalation: Array<{ afterMinutes: number; channelIds: string[] }>;
  enabled: boolean;
}

export interface ChannelLike {
  id: string;
  name: string;
  events: string[];
  enabled: boolean;
}

export interface PolicyStep {
  kind: "events" | "reminder" | "escalation" | "acknowledged";
  trigger: string;
  channels: string[];
}

export interface Policy {
  scope: string;
  steps: PolicyStep[];
  /** What acknowledging does, when the rule has reminders or escalation. */
  acknowledgement: string | null;
  warnings: string[];
  /** The whole policy as one sentence (for lists and screen readers). */
  sentence: string;
}

/** "Slack #ops", or the id when the channel is not (or no longer) known. */
function namesOf(ids: string[], channels: Map<string, ChannelLike>): string[] {
  return ids.map((id) => channels.get(id)?.name ?? id);
}

export function describePolicy(rule: RuleLike, channelList: ChannelLike[]): Policy {
  const channels = new Map(channelList.map((c) => [c.id, c]));
  const scope =
    rule.tags.length === 0
      ? t("policy.scopeAll")
      : t(rule.tags.length === 1 ? "policy.scopeTag" : "policy.scopeTags", { tags: rule.tags.join(", ") });
  const steps: PolicyStep[] = [];
  const alertEvents = rule.events.filter((e) => e !== "acknowledged");
  if (rule.channelIds.length > 0 && alertEvents.length > 0) {
    steps.push({
      kind: "events",
      trigger: alertEvents.map(eventLabel).join(", "),
      channels: namesOf(rule.channelIds, channels),
    });
  }
  const watchesDown = rule.events.includes("down");
  if (rule.reminderMinutes !== null && rule.channelIds.length > 0 && watchesDown) {
    steps.push({
      kind: "reminder",
      trigger: t("policy.reminder", { minutes: rule.reminderMinutes }),
      channels: namesOf(rule.channelIds, channels),
    });
  }
  if (watchesDown) {
    for (const step of [...rule.escalation].sort((a, b) => a.afterMinutes - b.afterMinutes)) {
      steps.push({
        kind: "escalation",
        trigger: t("policy.escalation", { minutes: step.afterMinutes }),
        channels: namesOf(step.channelIds, channels),
      });
    }
  }
  if (rule.events.includes("acknowledged") && rule.channelIds.length > 0) {
    steps.push({
      kind: "acknowledged",
      trigger: eventLabel("acknowledged"),
      channels: namesOf(rule.channelIds, channels),
    });
  }
  const followUps = steps.some((s) => s.kind === "reminder" || s.kind === "escalation");
  const acknowledgement = followUps ? t("policy.ackStops") : null;
  const warnings = warningsOf(rule, channels);
  const body =
    steps.length === 0
      ? t("policy.nothing")
      : steps.map((s) => `${s.trigger} → ${s.channels.join(", ")}`).join("; ");
  const sentence = [
    rule.enabled ? "" : `${t("policy.paused")} `,
    `${scope}: ${body}.`,
    acknowledgement ? ` ${acknowledgement}` : "",
  ].join("");
  return { scope, steps, acknowledgement, warnings, sentence };
}

/** Routes the server would not follow: channels deaf to an event, disabled, or deleted. */
function warningsOf(rule: RuleLike, channels: Map<string, ChannelLike>): string[] {
  const out: string[] = [];
  const check = (id: string, events: string[]) => {
    const c = channels.get(id);
    if (!c) {
      out.push(t("policy.warnUnknown", { id }));
      return;
    }
    if (!c.enabled) out.push(t("policy.warnDisabled", { name: c.name }));
    const deaf = events.filter((e) => !c.events.includes(e));
    if (deaf.length > 0)
      out.push(t("policy.warnDeaf", { name: c.name, events: deaf.map(eventLabel).join(", ") }));
  };
  const seen = new Set<string>();
  for (const id of rule.channelIds) {
    seen.add(id);
    check(id, rule.events);
  }
  for (const step of rule.escalation) {
    for (const id of step.channelIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      check(id, ["down"]);
    }
  }
  return out;
}
