import { type MessageKey, t } from "../i18n/index.ts";

const KNOWN = ["up", "down", "degraded", "pending", "paused", "maintenance", "affected"];

/** A monitor state as colour, dot and word (never colour alone). */
export function StateBadge({ state }: { state: string }) {
  const s = KNOWN.includes(state) ? state : "unknown";
  return <span className={`state state-${s}`}>{t(`state.${s}` as MessageKey)}</span>;
}
