import { Field } from "../../components/field.tsx";
import { fieldError } from "../../components/problem.tsx";
import { type DraftLink, newKey } from "./editor-model.ts";
import { t } from "./messages.ts";

/** The API's limit on a page's footer links (STATUS_PAGE_LIMITS.footerLinks). */
export const MAX_FOOTER_LINKS = 10;

/**
 * The links at the foot of the public page (support desk, privacy policy…): a label and an
 * http(s) address each, in page order. The server's messages land beside each field.
 */
export function FooterLinksEditor({
  links,
  onChange,
  error,
}: {
  links: DraftLink[];
  onChange: (links: DraftLink[]) => void;
  error: unknown;
}) {
  const set = (i: number, patch: Partial<DraftLink>) =>
    onChange(links.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <div className="stack">
      {links.length === 0 && <p className="muted">{t("sp.links.empty")}</p>}
      {links.map((l, i) => (
        <div key={l.key} className="row sp-footer-link">
          <Field
            label={t("sp.links.label", { n: i + 1 })}
            value={l.label}
            onChange={(e) => set(i, { label: e.target.value })}
            error={fieldError(error, `body.footerLinks.${i}.label`)}
          />
          <Field
            label={t("sp.links.url", { n: i + 1 })}
            type="url"
            inputMode="url"
            placeholder="https://"
            value={l.url}
            onChange={(e) => set(i, { url: e.target.value })}
            error={fieldError(error, `body.footerLinks.${i}.url`)}
          />
          <button
            type="button"
            className="align-end"
            onClick={() => onChange(links.filter((_, j) => j !== i))}
          >
            {t("sp.links.remove", { n: i + 1 })}
          </button>
        </div>
      ))}
      <div>
        <button
          type="button"
          disabled={links.length >= MAX_FOOTER_LINKS}
          onClick={() => onChange([...links, { key: newKey("link"), label: "", url: "" }])}
        >
          {t("sp.links.add")}
        </button>
      </div>
    </div>
  );
}
