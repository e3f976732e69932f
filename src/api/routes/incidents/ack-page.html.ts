import { escapeHtml } from "../../../lib/html.ts";
import type { Acknowledgement, IncidentGlance } from "../../../services/alerts/acknowledge.ts";
import { formPage as page } from "../../form-page.ts";

const when = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/**
 * What a GET of the link shows: the incident and a button. Opening the link acknowledges nothing
 * (mail scanners open links); only the form's POST does. The form posts back to this same URL.
 */
export function ackConfirmPage(glance: IncidentGlance, noteMax: number): string {
  return page(
    "Acknowledge this incident?",
    `<p><strong>${escapeHtml(glance.monitorName)}</strong> has been down since ${escapeHtml(when(glance.startedAt))}.</p>
<p>Acknowledging tells the team someone is on it, and stops reminders and escalation.</p>
<form method="post">
<label for="note">Note (optional)</label>
<input id="note" name="note" maxlength="${noteMax}" autocomplete="off">
<p class="hint">For example: looking into it, rolling back the deploy.</p>
<button type="submit">Acknowledge</button>
</form>`,
  );
}

export function ackDonePage(monitorName: string, ack: Acknowledgement): string {
  return page(
    "Acknowledged",
    `<p>The incident of <strong>${escapeHtml(monitorName)}</strong> is acknowledged (${escapeHtml(ack.by.name)}, ${escapeHtml(when(ack.at))}). Reminders and escalation have stopped.</p>`,
  );
}

/** The incident was acknowledged before: by whom and when, so nobody wonders whether it worked. */
export function ackAlreadyPage(glance: IncidentGlance, ack: Acknowledgement): string {
  const note = ack.note ? ` (“${escapeHtml(ack.note)}”)` : "";
  return page(
    "Already acknowledged",
    `<p>The incident of <strong>${escapeHtml(glance.monitorName)}</strong> was acknowledged by ${escapeHtml(ack.by.name)} at ${escapeHtml(when(ack.at))}${note}.</p>`,
  );
}

export function ackResolvedPage(glance: IncidentGlance): string {
  const at = glance.resolvedAt ? ` at ${escapeHtml(when(glance.resolvedAt))}` : "";
  return page(
    "Already resolved",
    `<p><strong>${escapeHtml(glance.monitorName)}</strong> recovered${at}; there is nothing left to acknowledge.</p>`,
  );
}
