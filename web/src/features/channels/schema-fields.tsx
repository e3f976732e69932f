import { useId } from "react";
import { hasMessage, t } from "../../i18n/index.ts";
import "./messages.ts";
import { type SchemaField, type Values, valueKey } from "./schema-form.ts";

interface Props {
  fields: SchemaField[];
  values: Values;
  onChange: (key: string, value: string) => void;
  /** The message for each field, by problem path (the API's or "required"). */
  problems: (field: SchemaField) => string | undefined;
  /** Secrets already stored: left empty, they are kept. */
  storedSecrets: string[];
  /** Editing a saved channel (secrets show "stored" instead of "generated"). */
  editing: boolean;
}

/** A label from the catalogue when it has one (`channelField.webhookUrl`), else the name spelled out. */
export function fieldLabel(name: string): string {
  const key = `channelField.${name}`;
  if (hasMessage(key)) return t(key);
  const last = name.split(".").pop() ?? name;
  const words = last.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/Url\b/, "URL");
  return (
    words.charAt(0).toUpperCase() +
    words
      .slice(1)
      .toLowerCase()
      .replace(/\burl\b/, "URL")
  );
}

function hintOf(field: SchemaField, stored: boolean, editing: boolean): string | undefined {
  const own = `channelHint.${field.name}`;
  const parts: string[] = [];
  if (hasMessage(own)) parts.push(t(own));
  if (field.kind === "list") parts.push(t("channels.hintList"));
  if (field.kind === "pairs") parts.push(t("channels.hintPairs"));
  if (field.part === "secrets") {
    if (stored) parts.push(t("channels.secretStored"));
    else if (field.generated && !editing) parts.push(t("channels.secretGenerated"));
    else parts.push(t("channels.secretWriteOnly"));
  }
  return parts.length ? parts.join(" ") : undefined;
}

/** The settings of one kind: readable ones, then the write-only secrets in their own group. */
export function SchemaFields(props: Props) {
  const config = props.fields.filter((f) => f.part === "config");
  const secrets = props.fields.filter((f) => f.part === "secrets");
  return (
    <>
      {config.length > 0 && (
        <fieldset className="form-grid">
          <legend>{t("channels.settings")}</legend>
          {config.map((f) => (
            <SchemaInput key={valueKey(f)} field={f} {...props} />
          ))}
        </fieldset>
      )}
      {secrets.length > 0 && (
        <fieldset className="form-grid">
          <legend>{t("channels.secrets")}</legend>
          {secrets.map((f) => (
            <SchemaInput key={valueKey(f)} field={f} {...props} />
          ))}
        </fieldset>
      )}
    </>
  );
}

function SchemaInput({
  field,
  values,
  onChange,
  problems,
  storedSecrets,
  editing,
}: Props & { field: SchemaField }) {
  const id = useId();
  const key = valueKey(field);
  const value = values[key] ?? "";
  const stored = field.part === "secrets" && storedSecrets.includes(field.name);
  const error = problems(field);
  const hint = hintOf(field, stored, editing);
  const describedBy =
    [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required && !field.generated && !stored ? true : undefined,
  } as const;
  const multiLine = field.kind === "list" || field.kind === "pairs";
  return (
    <div className={multiLine ? "field field-wide" : "field"}>
      <label htmlFor={id}>
        {field.required && !field.generated && !stored
          ? `${fieldLabel(field.name)} *`
          : fieldLabel(field.name)}
      </label>
      {field.kind === "choice" ? (
        <select {...common} value={value} onChange={(e) => onChange(key, e.target.value)}>
          <option value="">{t("channels.choose")}</option>
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : field.kind === "boolean" ? (
        <select {...common} value={value} onChange={(e) => onChange(key, e.target.value)}>
          <option value="">{t("channels.choose")}</option>
          <option value="true">{t("channels.yes")}</option>
          <option value="false">{t("channels.no")}</option>
        </select>
      ) : multiLine ? (
        <textarea {...common} rows={3} value={value} onChange={(e) => onChange(key, e.target.value)} />
      ) : (
        <input
          {...common}
          type={field.part === "secrets" ? "password" : field.kind === "number" ? "text" : field.kind}
          inputMode={field.kind === "number" ? "numeric" : undefined}
          autoComplete={field.part === "secrets" ? "new-password" : "off"}
          placeholder={stored ? t("channels.secretPlaceholder") : field.placeholder}
          value={value}
          onChange={(e) => onChange(key, e.target.value)}
        />
      )}
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
