import { hasMessage, t } from "../../i18n/index.ts";
import "./messages.ts";

/** The catalogue's word for an API value (`event.down`), or the value itself when it has none. */
function labelOf(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return hasMessage(key) ? t(key) : value;
}

export const eventLabel = (event: string) => labelOf("event", event);
export const deliveryStatusLabel = (status: string) => labelOf("deliveryStatus", status);
export const attemptOutcomeLabel = (outcome: string) => labelOf("attemptOutcome", outcome);
