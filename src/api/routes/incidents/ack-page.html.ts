import { createHash } from "node:crypto";
import type { Acknowledgement, IncidentGlance } from "../../../services/alerts/acknowledge.ts";
import { escapeHtml } from "../setup-page.html.ts";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.25rem;font:inherit;border:1px solid #9aa3b2;border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#2458d6;border:0;border-radius:4px}
.hint{font-size:.875rem;color:#4b5565;margin:.25rem 0 0}`;

/**
 * The Content-Security-Policy of the acknowledge pages: no script at all, only the one inline
 * stylesheet (by hash), forms may only post back here, and no page may be framed.
 */
export const ACK_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Upblit</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`;
}

const when = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/** A page with a title and one paragraph of plain text (no markup from the caller). */
export function ackMessagePage(title: string, text: string): string {
  return page(title, `<p>${escapeHtml(text)}</p>`);
}

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
