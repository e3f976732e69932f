/**
 * Dialect-neutral wording of an alert, shared by every channel adapter. Everything returned here
 * is PLAIN, UNESCAPED text that may contain user-controlled strings (monitor and organization
 * names, causes, URLs): each adapter escapes it for its own dialect (HTML, mrkdwn, markdown…).
 * Links are returned apart (`linksOf`) so each dialect can render them as real links.
 */
import type { AlertMessage } from "./types.ts";

const EVENT_TITLES: Record<AlertMessage["event"], string> = {
  down: "🔴 DOWN",
  up: "🟢 UP",
  degraded: "🟠 DEGRADED",
  certificate: "📜 CERTIFICATE EXPIRING",
  reminder: "🔁 STILL DOWN",
  acknowledged: "✋ ACKNOWLEDGED",
  test: "🧪 TEST",
};

/** The one-line title: `🔴 DOWN: Checkout API`, prefixed `[DRILL]` for a drill (a test-send says TEST). */
export function titleOf(message: AlertMessage): string {
  const escalated = message.escalation ? ` (ESCALATED, LEVEL ${message.escalation.level})` : "";
  const title = `${EVENT_TITLES[message.event]}${escalated}: ${message.monitor.name}`;
  return message.drill && message.event !== "test" ? `[DRILL] ${title}` : title;
}

/**
 * The facts of the alert as short sentences, in reading order: what happened and since when,
 * the cause, the recovery duration, the monitor and organization, and the drill notice.
 */
export function summaryLines(message: AlertMessage): string[] {
  const { monitor } = message;
  const lines: string[] = [];
  if (message.event === "test") {
    lines.push(`Test message for ${monitor.name}: this channel is set up correctly.`);
  } else if (message.event === "up") {
    lines.push(
      `${monitor.name} is up again since ${whenText(message.since)} (was ${message.previousState}).`,
    );
    const duration = message.incident?.durationMs;
    if (duration != null) lines.push(`It was down for ${durationText(duration)}.`);
  } else if (message.event === "certificate" && message.certificate) {
    lines.push(certificateLine(message.monitor.name, message.certificate));
  } else if (message.event === "reminder") {
    lines.push(reminderLine(message));
  } else if (message.event === "acknowledged") {
    lines.push(acknowledgedLine(message));
    lines.push(`${monitor.name} is ${message.state} since ${whenText(message.since)}.`);
  } else {
    lines.push(
      `${monitor.name} is ${message.state} since ${whenText(message.since)} (was ${message.previousState}).`,
    );
  }
  if (message.escalation) lines.push(escalationLine(message.escalation));
  if (message.cause && message.event !== "up") lines.push(`Cause: ${message.cause}`);
  lines.push(`Monitor: ${monitor.type} ${monitor.target}`);
  lines.push(`Organization: ${message.organization.name}`);
  if (message.drill) lines.push(drillNotice(message));
  return lines;
}

/** The links of the alert, labelled, in the order to show them; the acknowledge link only while there is one. */
export function linksOf(message: AlertMessage): Array<{ label: string; url: string }> {
  const links = [{ label: "Open monitor", url: message.monitorUrl }];
  if (message.incidentUrl) links.push({ label: "Open incident", url: message.incidentUrl });
  if (message.acknowledgeUrl) links.push({ label: "Acknowledge", url: message.acknowledgeUrl });
  if (message.runbookUrl) links.push({ label: "Runbook", url: message.runbookUrl });
  return links;
}

/** A duration in words with its two largest units: `45 s`, `12 min 5 s`, `3 h 20 min`, `2 d 4 h`. */
export function durationText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const units: Array<[string, number]> = [
    ["d", Math.floor(total / 86_400)],
    ["h", Math.floor(total / 3_600) % 24],
    ["min", Math.floor(total / 60) % 60],
    ["s", total % 60],
  ];
  const first = units.findIndex(([, n]) => n > 0);
  if (first === -1) return "0 s";
  return units
    .slice(first, first + 2)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => `${n} ${unit}`)
    .join(" ");
}

/** An ISO instant as `2026-11-22 10:00:00 UTC` (channels have no reader timezone); the raw text if unparsable. */
export function whenText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `Checkout API is still down since … (25 min), not acknowledged (reminder 5).` */
function reminderLine(message: AlertMessage): string {
  const downFor = message.reminder ? ` (${durationText(message.reminder.downForMs)})` : "";
  const count = message.reminder ? ` (reminder ${message.reminder.count})` : "";
  return `${message.monitor.name} is still down since ${whenText(message.since)}${downFor}, not acknowledged${count}.`;
}

function escalationLine(escalation: NonNullable<AlertMessage["escalation"]>): string {
  return `Escalated: not acknowledged after ${escalation.afterMinutes} min (escalation level ${escalation.level}).`;
}

/** `Acknowledged by ada@example.com at …: rolling back the deploy` (no colon without a note). */
function acknowledgedLine(message: AlertMessage): string {
  const ack = message.acknowledgement;
  if (!ack) return "The incident was acknowledged.";
  const note = ack.note ? `: ${ack.note}` : ".";
  return `Acknowledged by ${ack.by} at ${whenText(ack.at)}${note}`;
}

/** `The certificate for shop.example.com (Checkout API) expires in 12 days, on … (warning at 14 days).` */
function certificateLine(monitorName: string, cert: NonNullable<AlertMessage["certificate"]>): string {
  const whose = cert.subject ? `${cert.subject} (${monitorName})` : monitorName;
  const on = whenText(cert.notAfter);
  const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
  const when =
    cert.daysLeft < 0
      ? `expired ${days(-cert.daysLeft)} ago, on ${on}`
      : cert.daysLeft === 0
        ? `expires today, on ${on}`
        : `expires in ${days(cert.daysLeft)}, on ${on}`;
  return `The certificate for ${whose} ${when} (warning at ${days(cert.threshold)}).`;
}

/** The sentence that ends every drill and test-send, saying nothing is actually wrong. */
export function drillNotice(message: AlertMessage): string {
  return message.event === "test"
    ? "This is a test-send from Upblit: nothing is wrong."
    : "This is a DRILL: a simulated alert, nothing is actually down.";
}
