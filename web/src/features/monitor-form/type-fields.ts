import type { MessageKey } from "../../i18n/index.ts";
import type { CuratedType } from "./assertion-model.ts";

/**
 * The per-type field table that drives the monitor form: for each type, what the target is and
 * which settings it takes. A field's `key` is both where its input lives in the form state and
 * its dotted path in the API body (`http.method`), so a problem's `errors[].path` lands next to it.
 * The API's schema is src/api/routes/monitors/schemas.ts.
 */

export interface HeaderRow {
  key: string;
  name: string;
  value: string;
}

export type SettingValue = string | boolean | HeaderRow[];

export type FieldKind =
  /** one line of text */
  | "text"
  | "textarea"
  /** a whole number */
  | "number"
  | "select"
  | "checkbox"
  /** comma- or line-separated list, sent as an array */
  | "list"
  /** `true`, `false`, `null`, a number or text */
  | "scalar"
  /** name/value rows, sent as an object */
  | "headers"
  /** write-only: never shown back, sent only when typed */
  | "secret"
  /** structured settings (a list of steps) typed as JSON; sent parsed, or as typed when invalid */
  | "json";

export interface SettingField {
  key: string;
  kind: FieldKind;
  /** From the catalogue (the hand-made fields), or `labelText` (generated from a schema). */
  label: MessageKey | undefined;
  labelText?: string;
  hint?: MessageKey;
  hintText?: string;
  options?: readonly string[];
  initial: SettingValue;
  /** Left out of the body when empty. */
  optional?: boolean;
  /** Shown (and sent) only when this holds. */
  when?: (s: Record<string, SettingValue>) => boolean;
  placeholder?: string;
}

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const JSON_OPS = ["==", "!=", "<", ">", "contains", "exists"] as const;
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"] as const;

const auth = (s: Record<string, SettingValue>) => s["http.auth.type"];
const withBody = (s: Record<string, SettingValue>) => !["GET", "HEAD"].includes(String(s["http.method"]));

const HTTP_FIELDS: SettingField[] = [
  {
    key: "http.method",
    kind: "select",
    label: "monitorForm.http.method",
    options: HTTP_METHODS,
    initial: "GET",
  },
  { key: "http.headers", kind: "headers", label: "monitorForm.http.headers", initial: [] },
  {
    key: "http.body",
    kind: "textarea",
    label: "monitorForm.http.body",
    initial: "",
    optional: true,
    when: withBody,
  },
  {
    key: "http.followRedirects",
    kind: "checkbox",
    label: "monitorForm.http.followRedirects",
    initial: true,
  },
  {
    key: "http.maxRedirects",
    kind: "number",
    label: "monitorForm.http.maxRedirects",
    initial: "5",
    when: (s) => s["http.followRedirects"] === true,
  },
  {
    key: "http.verifyTls",
    kind: "checkbox",
    label: "monitorForm.http.verifyTls",
    hint: "monitorForm.http.verifyTlsHint",
    initial: true,
  },
  {
    key: "http.auth.type",
    kind: "select",
    label: "monitorForm.http.auth",
    options: ["none", "basic", "bearer"],
    initial: "none",
  },
  {
    key: "http.auth.username",
    kind: "text",
    label: "monitorForm.http.username",
    initial: "",
    when: (s) => auth(s) === "basic",
  },
  {
    key: "http.auth.password",
    kind: "secret",
    label: "monitorForm.http.password",
    initial: "",
    when: (s) => auth(s) === "basic",
  },
  {
    key: "http.auth.token",
    kind: "secret",
    label: "monitorForm.http.token",
    initial: "",
    when: (s) => auth(s) === "bearer",
  },
];

export interface TypeDescription {
  targetLabel: MessageKey;
  targetHint: MessageKey;
  targetPlaceholder: string;
  /** The type has no target (heartbeat: it is pinged). */
  noTarget?: boolean;
  fields: SettingField[];
}

export const TYPE_FIELDS: Record<CuratedType, TypeDescription> = {
  http: {
    targetLabel: "monitorForm.target.url",
    targetHint: "monitorForm.target.urlHint",
    targetPlaceholder: "https://example.com/health",
    fields: HTTP_FIELDS,
  },
  keyword: {
    targetLabel: "monitorForm.target.url",
    targetHint: "monitorForm.target.urlHint",
    targetPlaceholder: "https://example.com/",
    fields: [
      { key: "keyword.keyword", kind: "text", label: "monitorForm.keyword.keyword", initial: "" },
      {
        key: "keyword.mode",
        kind: "select",
        label: "monitorForm.keyword.mode",
        options: ["contains", "notContains"],
        initial: "contains",
      },
      {
        key: "keyword.caseSensitive",
        kind: "checkbox",
        label: "monitorForm.keyword.caseSensitive",
        initial: false,
      },
      ...HTTP_FIELDS,
    ],
  },
  json: {
    targetLabel: "monitorForm.target.url",
    targetHint: "monitorForm.target.urlHint",
    targetPlaceholder: "https://example.com/api/health",
    fields: [
      {
        key: "json.path",
        kind: "text",
        label: "monitorForm.json.path",
        hint: "monitorForm.json.pathHint",
        initial: "",
        placeholder: "$.status",
      },
      { key: "json.op", kind: "select", label: "monitorForm.json.op", options: JSON_OPS, initial: "==" },
      {
        key: "json.expected",
        kind: "scalar",
        label: "monitorForm.json.expected",
        hint: "monitorForm.json.expectedHint",
        initial: "",
        when: (s) => s["json.op"] !== "exists",
      },
      ...HTTP_FIELDS,
    ],
  },
  tcp: {
    targetLabel: "monitorForm.target.hostPort",
    targetHint: "monitorForm.target.hostPortHint",
    targetPlaceholder: "db.example.com:5432",
    fields: [],
  },
  dns: {
    targetLabel: "monitorForm.target.hostname",
    targetHint: "monitorForm.target.hostnameHint",
    targetPlaceholder: "example.com",
    fields: [
      {
        key: "dns.recordType",
        kind: "select",
        label: "monitorForm.dns.recordType",
        options: DNS_RECORD_TYPES,
        initial: "A",
      },
      {
        key: "dns.resolver",
        kind: "text",
        label: "monitorForm.dns.resolver",
        hint: "monitorForm.dns.resolverHint",
        initial: "",
        optional: true,
        placeholder: "1.1.1.1",
      },
      {
        key: "dns.expected",
        kind: "list",
        label: "monitorForm.dns.expected",
        hint: "monitorForm.dns.expectedHint",
        initial: "",
        optional: true,
      },
    ],
  },
  tls: {
    targetLabel: "monitorForm.target.hostPort",
    targetHint: "monitorForm.target.tlsHint",
    targetPlaceholder: "example.com:443",
    fields: [],
  },
};

/** Every setting of every type with its initial value (switching type keeps what was typed). */
export function initialSettings(): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const type of Object.values(TYPE_FIELDS)) {
    for (const f of type.fields) out[f.key] = Array.isArray(f.initial) ? [] : f.initial;
  }
  return out;
}
