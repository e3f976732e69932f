import { useId } from "react";
import { fieldError } from "../../components/problem.tsx";
import { contrastRatio, formatRatio, isHex, MIN_CONTRAST } from "./contrast.ts";
import type { Draft, Theme } from "./editor-model.ts";
import { type MessageKey, t } from "./messages.ts";

const PARTS = ["background", "text", "accent"] as const;

/**
 * The page's colours per theme, each with the contrast rule shown as it is typed: text and accent
 * against the background, with the figure and whether it reaches 4.5:1. The server refuses a page
 * that does not, and its message lands beside the colour at fault.
 */
export function ThemeEditor({
  colors,
  onChange,
  error,
}: {
  colors: Draft["colors"];
  onChange: (colors: Draft["colors"]) => void;
  error: unknown;
}) {
  return (
    <div className="sp-themes">
      {(["light", "dark"] as const).map((theme) => (
        <fieldset key={theme} className="sp-theme">
          <legend>{t(`sp.theme.${theme}` as MessageKey)}</legend>
          {PARTS.map((part) => (
            <ColorField
              key={part}
              label={t(`sp.color.${part}` as MessageKey)}
              value={colors[theme][part]}
              error={fieldError(error, `body.colors.${theme}.${part}`)}
              onChange={(v) => onChange({ ...colors, [theme]: { ...colors[theme], [part]: v } })}
            />
          ))}
          <ContrastLine theme={colors[theme]} part="text" />
          <ContrastLine theme={colors[theme]} part="accent" />
        </fieldset>
      ))}
    </div>
  );
}

/** "Text on background: 12.63:1 — passes (needs 4.5:1)", or that it fails, in words and colour. */
export function ContrastLine({ theme, part }: { theme: Theme; part: "text" | "accent" }) {
  const ratio = contrastRatio(theme[part], theme.background);
  const label = t(`sp.contrast.${part}` as MessageKey);
  if (ratio === null) return <p className="muted">{t("sp.contrast.unknown", { label })}</p>;
  const ok = ratio >= MIN_CONTRAST;
  return (
    <p
      className={ok ? "sp-contrast sp-contrast-ok" : "sp-contrast sp-contrast-bad"}
      data-testid={`contrast-${part}`}
    >
      <span
        className="sp-swatch"
        style={{ background: theme.background, color: theme[part] }}
        aria-hidden="true"
      >
        Aa
      </span>
      {t(ok ? "sp.contrast.pass" : "sp.contrast.fail", {
        label,
        ratio: formatRatio(ratio),
        min: `${MIN_CONTRAST}:1`,
      })}
    </p>
  );
}

function ColorField({
  label,
  value,
  error,
  onChange,
}: {
  label: string;
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field sp-color">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input
          type="color"
          aria-label={t("sp.colorPicker", { label })}
          value={isHex(value) ? value.toLowerCase() : "#000000"}
          onChange={(e) => onChange(e.target.value)}
        />
        <input
          id={id}
          className="sp-hex"
          value={value}
          maxLength={7}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value.trim())}
          aria-invalid={error || !isHex(value) ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </div>
      {!isHex(value) && <span className="field-error">{t("sp.colorFormat")}</span>}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
