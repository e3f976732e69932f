import "../settings-messages.ts";
import type { components } from "../../api/schema";
import { hasMessage, type MessageKey, t } from "../../i18n/index.ts";

export type AuditEntry = components["schemas"]["AuditEntry"];

/** The kinds of object the log names, each the prefix of its actions (`monitor.` …). */
export const ACTION_GROUPS = [
  "monitor",
  "incident",
  "member",
  "invitation",
  "api_key",
  "organization",
  "user",
  "channel",
  "status_page",
  "maintenance",
  "alert_rule",
] as const;

/** Who did it, in words: the person's email, "API key upb_…", or Upblit itself. */
export function actorName(e: AuditEntry): string {
  if (e.actor.type === "system") return t("audit.system");
  if (e.actor.type === "api_key") return t("audit.keyActor", { label: e.actor.label ?? e.actor.id ?? "" });
  return e.actor.label ?? e.actor.id ?? t("audit.someone");
}

/** A summary value as text: lists joined, everything else as it reads. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return v.map(valueText).join(", ");
  if (typeof v === "object") {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${valueText(x)}`)
      .join("; ");
  }
  return String(v);
}

/** The object acted on: "monitor “Shop”" when the summary names it, else its type and id. */
function objectName(e: AuditEntry): string {
  const name = e.summary.name;
  if (!e.target) return typeof name === "string" ? `“${name}”` : "";
  const kind = e.target.type.replace(/_/g, " ");
  return typeof name === "string" ? `${kind} “${name}”` : `${kind} ${e.target.id}`;
}

/**
 * One entry as a sentence: "ada@example.com invited bob@example.com as editor". Actions with a
 * sentence of their own in the catalogue (`audit.a.<action>`) use it with the summary's fields;
 * others read "… created / changed / deleted <object>", or name the action as a last resort.
 */
export function describeEntry(e: AuditEntry): string {
  const params: Record<string, string> = { actor: actorName(e), object: objectName(e), action: e.action };
  for (const [k, v] of Object.entries(e.summary)) params[k] = valueText(v);
  const own = `audit.a.${e.action}`;
  if (hasMessage(own)) return fill(own, params);
  const verb = e.action.split(".")[1] ?? "";
  if (["create", "update", "delete"].includes(verb) && params.object) {
    return t(`audit.verb.${verb}` as MessageKey, params);
  }
  return params.object ? t("audit.generic", params) : t("audit.genericNoObject", params);
}

/** Fills the sentence; a field the summary lacks reads as a dash rather than `{name}`. */
function fill(key: MessageKey, params: Record<string, string>): string {
  return t(key, params).replace(/\{\w+\}/g, "—");
}
