import type { components } from "../../api/schema";
import { hasMessage, type MessageKey, t } from "../../i18n/index.ts";
import { CURATED_TYPES, type CuratedType, SUBJECTS_BY_TYPE } from "./assertion-model.ts";
import { type SettingField, type SettingValue, TYPE_FIELDS, type TypeDescription } from "./type-fields.ts";

/**
 * The monitor types the server checks, as `GET /monitor-types` describes them: each type's
 * settings blocks as JSON Schema, made from the same zod schemas the API validates with. The six
 * first types keep their hand-made fields (type-fields.ts); every other type's fields are
 * generated from its schema here, so a type added to the server's registry needs no change in
 * the dashboard.
 */
export type TypeInfo = components["schemas"]["MonitorTypeInfo"];

/** The part of JSON Schema (draft 2020-12) the types' settings use. */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  maxLength?: number;
  description?: string;
  example?: unknown;
  writeOnly?: boolean;
}

const isCurated = (type: string): type is CuratedType => (CURATED_TYPES as readonly string[]).includes(type);

/** Text over this many characters (a query) gets a text area. */
const LONG_TEXT = 300;

/** The fields of one settings block, nested objects flattened into dotted keys (`block.a.b`). */
export function fieldsFromSchema(block: string, schema: JsonSchema): SettingField[] {
  const out: SettingField[] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const key = `${prefix}.${name}`;
      if (prop.const !== undefined) continue;
      if (prop.type === "object" && prop.properties) {
        walk(prop, key);
        continue;
      }
      out.push(fieldOf(key, prop, (s.required ?? []).includes(name)));
    }
  };
  walk(schema, block);
  return out;
}

function fieldOf(key: string, prop: JsonSchema, required: boolean): SettingField {
  const labelText = labelFor(key);
  const hintText = hintFor(key, prop);
  const common = { key, label: undefined, labelText, ...(hintText ? { hintText } : {}) };
  const fallback = prop.default;
  if (prop.writeOnly) return { ...common, kind: "secret", initial: "", optional: true };
  if (prop.enum) {
    const options = prop.enum.map(String);
    const initial = fallback === undefined ? "" : String(fallback);
    return { ...common, kind: "select", options, initial, optional: initial === "" };
  }
  if (prop.type === "boolean") return { ...common, kind: "checkbox", initial: fallback === true };
  const initial =
    fallback === undefined ? "" : Array.isArray(fallback) ? fallback.join(", ") : String(fallback);
  const optional = !required;
  const placeholder = prop.example === undefined ? {} : { placeholder: String(prop.example) };
  if (prop.type === "integer" || prop.type === "number")
    return { ...common, kind: "number", initial, optional, ...placeholder };
  if (prop.type === "array" && prop.items?.type === "object") {
    const json = fallback === undefined ? "" : JSON.stringify(fallback, null, 2);
    return { ...common, kind: "json", initial: json, optional };
  }
  if (prop.type === "array") return { ...common, kind: "list", initial, optional };
  if (prop.type === "object") return { ...common, kind: "headers", initial: [], optional: true };
  const long = (prop.maxLength ?? 0) > LONG_TEXT;
  return { ...common, kind: long ? "textarea" : "text", initial, optional, ...placeholder };
}

/** A label from the catalogue (`monitorField.postgres.query`, then `monitorField.query`), else the name spelled out. */
function labelFor(key: string): string {
  const name = key.split(".").slice(1).join(".");
  for (const k of [`monitorField.${key}`, `monitorField.${name}`]) if (hasMessage(k)) return t(k);
  const last = key.split(".").pop() ?? key;
  const words = last.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function hintFor(key: string, prop: JsonSchema): string | undefined {
  const name = key.split(".").slice(1).join(".");
  for (const k of [`monitorHint.${key}`, `monitorHint.${name}`]) if (hasMessage(k)) return t(k);
  if (prop.writeOnly) return undefined;
  return prop.description;
}

/** What a type's target looks like, read from its schema's example (a URL, host:port, a name). */
function targetOf(
  schema: JsonSchema,
): Pick<TypeDescription, "targetLabel" | "targetHint" | "targetPlaceholder" | "noTarget"> {
  if (schema.maxLength === 0) {
    return {
      targetLabel: "monitorForm.target.hostPort",
      targetHint: "monitorForm.target.hostPortHint",
      targetPlaceholder: "",
      noTarget: true,
    };
  }
  const example = typeof schema.example === "string" ? schema.example : "";
  const kind: "url" | "hostPort" | "hostname" = /^https?:\/\//.test(example)
    ? "url"
    : /:\d+$/.test(example)
      ? "hostPort"
      : "hostname";
  return {
    targetLabel: `monitorForm.target.${kind}` as MessageKey,
    targetHint: `monitorForm.target.${kind}Hint` as MessageKey,
    targetPlaceholder: example,
  };
}

const generated = new Map<string, TypeDescription>();
let known: TypeInfo[] = [];

/** Takes the server's list (the form page loads it before the form shows). */
export function setTypeCatalog(items: TypeInfo[]): void {
  known = items;
  generated.clear();
  for (const info of items) {
    if (isCurated(info.type)) continue;
    generated.set(info.type, {
      ...targetOf(info.target as JsonSchema),
      fields: Object.entries(info.settings).flatMap(([block, schema]) =>
        fieldsFromSchema(block, schema as JsonSchema),
      ),
    });
  }
}

/** Every type the form offers: the server's, in its registry's order (the six first until it answers). */
export function typeNames(): string[] {
  return known.length ? known.map((i) => i.type) : [...CURATED_TYPES];
}

const EMPTY: TypeDescription = {
  targetLabel: "monitorForm.target.hostname",
  targetHint: "monitorForm.target.hostnameHint",
  targetPlaceholder: "",
  fields: [],
};

/** The fields of a type: hand-made for the six first, generated from the schema for the others. */
export function describeType(type: string): TypeDescription {
  if (isCurated(type)) return TYPE_FIELDS[type];
  return generated.get(type) ?? EMPTY;
}

/** The assertion subjects a type answers. */
export function subjectsOf(type: string): string[] {
  if (isCurated(type)) return SUBJECTS_BY_TYPE[type];
  return known.find((i) => i.type === type)?.subjects ?? [];
}

/** Why this server cannot check the type (no browser for `browser`); null when it can. */
export function unavailableReason(type: string): string | null {
  const info = known.find((i) => i.type === type);
  return info && info.available === false ? info.unavailableReason : null;
}

/** The type's name and one-line description for the type picker. */
export function typeLabel(type: string): string {
  const key = `monitorForm.type.${type}`;
  return hasMessage(key) ? t(key) : type;
}

export function typeHint(type: string): string {
  const key = `monitorForm.typeHint.${type}`;
  if (hasMessage(key)) return t(key);
  return known.find((i) => i.type === type)?.summary ?? "";
}

/** Whether a check of this type reads a certificate (then `certExpiryDays` applies). */
export function readsCertificates(type: string): boolean {
  return subjectsOf(type).includes("cert.daysLeft");
}

/** The fields of `type` that show with the current values. */
export function visibleFields(type: string, settings: Record<string, SettingValue>): SettingField[] {
  return describeType(type).fields.filter((f) => !f.when || f.when(settings));
}
