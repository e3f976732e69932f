import { useId, useState } from "react";
import { t } from "../i18n/index.ts";

/** A read-only text (a token, a link, codes) with a Copy button that says whether it worked. */
export function CopyField({
  label,
  value,
  multiline = false,
}: {
  label: string;
  value: string;
  multiline?: boolean;
}) {
  const id = useId();
  const [copied, setCopied] = useState<"" | "done" | "failed">("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("done");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        {multiline ? (
          <textarea
            id={id}
            readOnly
            value={value}
            rows={value.split("\n").length}
            onFocus={(e) => e.target.select()}
          />
        ) : (
          <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />
        )}
        <button type="button" onClick={() => void copy()}>
          {t("copy.button")}
        </button>
      </div>
      <output aria-live="polite" className="muted">
        {copied === "done" ? t("copy.done") : copied === "failed" ? t("copy.failed") : ""}
      </output>
    </div>
  );
}
