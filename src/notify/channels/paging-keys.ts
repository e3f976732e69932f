/**
 * The keys that tie paging services' alerts together (PagerDuty `dedup_key`, Opsgenie `alias`):
 * one key per incident, so a trigger, its reminders and escalations, the acknowledgement and the
 * recovery all reach the same alert there; and one key per certificate of a monitor, so an
 * expiry warning never merges into, acknowledges or resolves an incident's alert.
 */
import { clip } from "./format.ts";
import type { AlertMessage } from "./types.ts";

/** Drills and test-sends get their own keys: they never touch a real alert. */
function marked(message: AlertMessage, key: string): string {
  return message.drill || message.event === "test" ? `drill-${key}` : key;
}

/** The incident's key (the monitor's when there is no incident), within `max` characters. */
export function incidentKeyOf(message: AlertMessage, max: number): string {
  return clip(marked(message, message.incident?.id ?? message.monitor.id), max);
}

/**
 * A certificate warning's key: `cert-<monitor>-<expiry>`. The expiry identifies the certificate (a
 * renewed one expires later, so it gets a new alert); each threshold crossed for the same
 * certificate merges into its one open alert.
 */
export function certificateKeyOf(message: AlertMessage, max: number): string {
  const notAfter = message.certificate?.notAfter ?? "unknown";
  return clip(marked(message, `cert-${message.monitor.id}-${notAfter}`), max);
}

/** The key for this message: a certificate's own for `certificate` events, else the incident's. */
export function pagingKeyOf(message: AlertMessage, max: number): string {
  return message.event === "certificate" ? certificateKeyOf(message, max) : incidentKeyOf(message, max);
}
