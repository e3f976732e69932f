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
  const title = `${EVENT_TITLES[message.event]}: ${message.monitor.name}`;
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
  } else {
    lines.push(
      `${monitor.name} is ${message.state} since ${whenText(message.since)} (was ${message.previousState}).`,
    );
  }
  if (message.cause && message.event !== "up") lines.push(`Cause: ${message.cause}`);
  lines.push(`Monitor: ${monitor.type} ${monitor.target}`);
  lines.push(`Organization: ${message.organization.name}`);
  if (message.drill) lines.push(drillNotice(message));
  return lines;
}

/** The links of the alert, labelled, in the order to show them; the acknowledge link only while there is one. */
export function linksOf(message: AlertMessage): Array<{ label: string; url: string }> {
  const links = [{ label: "Open monitor", url: message.monitorUrl }];
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
function whenText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function drillNotice(message: AlertMessage): string {
  return message.event === "test"
    ? "This is a test-send from Upblit: nothing is wrong."
    : "This is a DRILL: a simulated alert, nothing is actually down.";
}
