import { useId } from "react";
import { hasMessage, t } from "../../i18n/index.ts";
import type { MonitorType } from "./assertion-model.ts";
import { newHeader } from "./form-model.ts";
import { visibleFields } from "./type-catalog.ts";
import type { HeaderRow, SettingField, SettingValue } from "./type-fields.ts";

interface Props {
  type: MonitorType;
  settings: Record<string, SettingValue>;
  onChange: (key: string, value: SettingValue) => void;
  /** The API's message(s) for a path and below it. */
  errorFor: (path: string) => string | undefined;
  /** Editing a monitor whose credentials are stored: an empty secret keeps them. */
  storedAuth?: string | undefined;
  /** Editing: generated secret fields with a stored value (an empty one keeps it). */
  storedSecrets?: string[] | undefined;
}

const labelOf = (f: SettingField) => (f.label ? t(f.label) : (f.labelText ?? f.key));

function legendOf(type: string): string {
  const key = `monitorForm.settings.${type}`;
  return hasMessage(key) ? t(key) : t("monitorForm.settings.generic", { type });
}

/** The settings of one monitor type: its hand-made fields, or those generated from its schema. */
export function SettingsFields({
  type,
  settings,
  onChange,
  errorFor,
  storedAuth,
  storedSecrets = [],
}: Props) {
  const fields = visibleFields(type, settings);
  if (fields.length === 0) return null;
  const stored = (f: SettingField) =>
    f.kind === "secret" &&
    (f.label === undefined ? storedSecrets.includes(f.key) : storedAuth === settings["http.auth.type"]);
  return (
    <fieldset className="form-grid">
      <legend>{legendOf(type)}</legend>
      {fields.map((f) => (
        <SettingInput
          key={f.key}
          field={f}
          value={settings[f.key] ?? f.initial}
          onChange={(v) => onChange(f.key, v)}
          error={errorFor(f.key === "http.auth.type" ? "http.auth" : f.key)}
          storedSecret={stored(f)}
          keptAuth={f.key === "http.auth.type" && storedAuth !== undefined && settings[f.key] === "none"}
        />
      ))}
    </fieldset>
  );
}

interface InputProps {
  field: SettingField;
  value: SettingValue;
  onChange: (v: SettingValue) => void;
  error: string | undefined;
  storedSecret: boolean;
  /** "None" chosen while credentials are stored: an edit cannot remove them (PATCH merges). */
  keptAuth?: boolean;
}

function SettingInput({ field, value, onChange, error, storedSecret, keptAuth }: InputProps) {
  const id = useId();
  const hint = field.hint
    ? t(field.hint)
    : storedSecret
      ? t("monitorForm.secretStored")
      : keptAuth
        ? t("monitorForm.authKept")
        : field.kind === "secret" && field.label === undefined
          ? t("monitorForm.secretWriteOnly")
          : field.kind === "list"
            ? [field.hintText, t("monitorForm.listHint")].filter(Boolean).join(" ")
            : field.kind === "json"
              ? [field.hintText, t("monitorForm.jsonHint")].filter(Boolean).join(" ")
              : field.hintText;
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
  } as const;
  if (field.kind === "headers") {
    return (
      <HeadersInput label={labelOf(field)} rows={value as HeaderRow[]} onChange={onChange} error={error} />
    );
  }
  let control: React.ReactNode;
  if (field.kind === "checkbox") {
    return (
      <div className="field checkbox-field">
        <label className="checkbox" htmlFor={id}>
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          {labelOf(field)}
        </label>
        {hint && (
          <span id={`${id}-hint`} className="muted">
            {hint}
          </span>
        )}
        {error && (
          <span id={`${id}-error`} className="field-error">
            {error}
          </span>
        )}
      </div>
    );
  }
  if (field.kind === "select") {
    control = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        {field.optional && <option value="">{t("monitorForm.option.unset")}</option>}
        {(field.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o === "none" || o === "basic" || o === "bearer" || o === "contains" || o === "notContains"
              ? t(`monitorForm.option.${o}`)
              : o}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === "textarea" || field.kind === "list" || field.kind === "json") {
    control = (
      <textarea
        {...common}
        rows={field.kind === "list" ? 2 : field.kind === "json" ? 10 : 4}
        spellCheck={field.kind === "json" ? false : undefined}
        value={String(value)}
        placeholder={field.placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type={field.kind === "secret" ? "password" : "text"}
        inputMode={field.kind === "number" ? "numeric" : undefined}
        autoComplete={field.kind === "secret" ? "new-password" : "off"}
        value={String(value)}
        placeholder={field.placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={field.kind === "textarea" || field.kind === "json" ? "field field-wide" : "field"}>
      <label htmlFor={id}>{labelOf(field)}</label>
      {control}
      {hint && (
        <span id={`${id}-hint`} className="muted">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function HeadersInput(props: {
  label: string;
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  error: string | undefined;
}) {
  const { rows, onChange, error } = props;
  const set = (i: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="field field-wide headers">
      <legend>{props.label}</legend>
      {rows.map((row, i) => (
        <div className="row" key={row.key}>
          <label>
            {t("monitorForm.header.name", { n: i + 1 })}
            <input value={row.name} onChange={(e) => set(i, { name: e.target.value })} />
          </label>
          <label>
            {t("monitorForm.header.value", { n: i + 1 })}
            <input value={row.value} onChange={(e) => set(i, { value: e.target.value })} />
          </label>
          <button type="button" className="danger" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            {t("monitorForm.header.remove", { n: i + 1 })}
          </button>
        </div>
      ))}
      <div>
        <button type="button" onClick={() => onChange([...rows, newHeader()])}>
          {t("monitorForm.header.add")}
        </button>
      </div>
      {error && (
        <span className="field-error" role="status">
          {error}
        </span>
      )}
    </fieldset>
  );
}
