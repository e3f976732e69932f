import { useState } from "react";
import type { Draft } from "./editor-model.ts";
import { type MessageKey, t } from "./messages.ts";

/** Monitor state → what the public page says (docs/status-pages.md, "What a page shows"). */
const STATE_WORDS: Record<string, MessageKey> = {
  up: "sp.state.up",
  degraded: "sp.state.degraded",
  affected: "sp.state.affected",
  down: "sp.state.down",
  maintenance: "sp.state.maintenance",
  pending: "sp.state.pending",
  paused: "sp.state.paused",
};

/** The banner the components alone give (published incidents may raise it on the real page). */
export function bannerFor(states: string[]): MessageKey {
  const judged = states.filter((s) => s !== "pending" && s !== "paused");
  if (judged.length > 0 && judged.every((s) => s === "down")) return "sp.banner.critical";
  if (judged.some((s) => s === "down" || s === "affected")) return "sp.banner.major";
  if (judged.includes("degraded")) return "sp.banner.minor";
  if (judged.includes("maintenance")) return "sp.banner.maintenance";
  return "sp.banner.none";
}

/**
 * A preview of the unsaved edits, drawn here from the draft: title, description, colours of the
 * chosen theme, the banner and the groups and components in order with their monitors' current
 * states. Uptime bars, incidents and the logo image are the public page's own (the dashboard's
 * CSP loads no outside images); "Open the public page" shows the saved page itself.
 */
export function Preview({ draft, states }: { draft: Draft; states: Map<string, string> }) {
  const [theme, setTheme] = useState<"light" | "dark">("light");
  const colors = draft.colors[theme];
  const all = draft.groups.flatMap((g) => g.components.map((c) => states.get(c.monitorId) ?? "pending"));
  return (
    <section className="sp-preview-wrap stack" aria-labelledby="sp-preview-title">
      <div className="row">
        <h2 id="sp-preview-title" className="grow">
          {t("sp.preview")}
        </h2>
        <fieldset className="segmented" aria-label={t("sp.previewTheme")}>
          {(["light", "dark"] as const).map((th) => (
            <button key={th} type="button" aria-pressed={theme === th} onClick={() => setTheme(th)}>
              {t(`sp.theme.${th}` as MessageKey)}
            </button>
          ))}
        </fieldset>
      </div>
      <p className="muted">{t("sp.previewNote")}</p>
      <div
        className="sp-preview"
        data-testid="preview"
        style={{ background: colors.background, color: colors.text, borderColor: colors.accent }}
      >
        <div className="sp-preview-head">
          {draft.logoUrl && (
            <span className="sp-preview-logo" style={{ borderColor: colors.text }}>
              {t("sp.logo")}
            </span>
          )}
          <p className="sp-preview-title">{draft.title || t("sp.untitled")}</p>
        </div>
        {draft.description && <p>{draft.description}</p>}
        <p className="sp-preview-banner" style={{ borderColor: colors.accent }}>
          {t(bannerFor(all))}
        </p>
        {draft.groups.length === 0 && <p>{t("sp.previewEmpty")}</p>}
        {draft.groups.map((g) => (
          <div key={g.key} className="sp-preview-group">
            <p className="sp-preview-group-name">{g.name || t("sp.unnamedGroup")}</p>
            <ul>
              {g.components.map((c) => (
                <li key={c.key} className="row">
                  <span className="grow">{c.displayName}</span>
                  <span>{t(STATE_WORDS[states.get(c.monitorId) ?? "pending"] ?? "sp.state.pending")}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
        {draft.footerText && <p className="sp-preview-foot">{draft.footerText}</p>}
        {draft.footerLinks.some((l) => l.label.trim()) && (
          <p className="sp-preview-foot sp-preview-links">
            {draft.footerLinks
              .filter((l) => l.label.trim())
              .map((l) => (
                <span key={l.key} style={{ color: colors.accent, textDecoration: "underline" }}>
                  {l.label}
                </span>
              ))}
          </p>
        )}
        <p className="sp-preview-foot">
          <span style={{ color: colors.accent, textDecoration: "underline" }}>
            {t("sp.previewHistory", { days: draft.historyDays })}
          </span>
        </p>
      </div>
    </section>
  );
}
