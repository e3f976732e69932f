import { useId } from "react";
import { fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { SSO_ROLES, type SsoForm, type SsoRole } from "./sso-form-model.ts";

interface Props {
  rows: SsoForm["roleMapping"];
  onChange: (rows: SsoForm["roleMapping"]) => void;
  defaultRole: SsoForm["defaultRole"];
  onDefaultRole: (role: SsoForm["defaultRole"]) => void;
  error: unknown;
}

/** Group → role rows, added and removed in place, and the role of people in none of them. */
export function RoleMapping({ rows, onChange, defaultRole, onDefaultRole, error }: Props) {
  const id = useId();
  const update = (i: number, change: Partial<{ group: string; role: SsoRole }>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <fieldset className="card stack">
      <legend>{t("sso.settings.mapping")}</legend>
      <p className="muted">{t("sso.settings.mappingHint")}</p>
      <ul className="assertion-rows">
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
          <li key={i} className="assertion-row sso-mapping-row">
            <div className="field">
              <label htmlFor={`${id}-group-${i}`}>{t("sso.settings.group")}</label>
              <input
                id={`${id}-group-${i}`}
                value={row.group}
                onChange={(e) => update(i, { group: e.target.value })}
              />
              <FieldMessage error={error} path={`body.roleMapping.${i}.group`} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-role-${i}`}>{t("sso.settings.role")}</label>
              <select
                id={`${id}-role-${i}`}
                value={row.role}
                onChange={(e) => update(i, { role: e.target.value as SsoRole })}
              >
                {SSO_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              aria-label={t("sso.settings.removeMapping", { group: row.group })}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div>
        <button type="button" onClick={() => onChange([...rows, { group: "", role: "viewer" }])}>
          {t("sso.settings.addMapping")}
        </button>
      </div>
      <div className="field">
        <label htmlFor={`${id}-default`}>{t("sso.settings.defaultRole")}</label>
        <select
          id={`${id}-default`}
          value={defaultRole}
          onChange={(e) => onDefaultRole(e.target.value as SsoForm["defaultRole"])}
        >
          <option value="">{t("sso.settings.noAccess")}</option>
          {SSO_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <FieldMessage error={error} path="body.defaultRole" />
      </div>
    </fieldset>
  );
}

function FieldMessage({ error, path }: { error: unknown; path: string }) {
  const message = fieldError(error, path);
  return message ? <span className="field-error">{message}</span> : null;
}
