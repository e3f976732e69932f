/**
 * The assertion builder's model: the subjects and operators the API takes (src/domain/assertion.ts,
 * kept in step by assertion-model.test.ts), which of them fit each monitor type, and turning a row
 * of inputs into the API's assertion object.
 */

/** The types whose fields are hand-made (type-fields.ts); the others come from their schemas (type-catalog.ts). */
export const CURATED_TYPES = ["http", "keyword", "json", "tcp", "dns", "tls"] as const;
export type CuratedType = (typeof CURATED_TYPES)[number];
/** Any type the server's registry names. */
export type MonitorType = string;

export const ASSERTION_SUBJECTS = [
  "status",
  "latency.total",
  "latency.dns",
  "latency.connect",
  "latency.tls",
  "latency.firstByte",
  "body",
  "json",
  "header",
  "cert.daysLeft",
  "cert.hostnameMatch",
  "cert.chainValid",
  "dns.answers",
] as const;
export type KnownSubject = (typeof ASSERTION_SUBJECTS)[number];
/** A built-in subject, or one a type adds (`postgres.version`: a fact of its observations). */
export type Subject = string;

export const ASSERTION_OPS = [
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "in",
  "notIn",
  "contains",
  "notContains",
  "exists",
  "notExists",
] as const;
export type Op = (typeof ASSERTION_OPS)[number];

type ValueKind = "number" | "text" | "boolean" | "any";

const NUMERIC_OPS: Op[] = ["==", "!=", "<", "<=", ">", ">=", "in", "notIn", "exists", "notExists"];
const TEXT_OPS: Op[] = ["contains", "notContains", "==", "!=", "in", "notIn", "exists", "notExists"];

/** What each subject compares as, and the operators that make sense for it. */
interface SubjectSpec {
  kind: ValueKind;
  ops: Op[];
  needsPath?: boolean;
}

export const SUBJECTS: Record<KnownSubject, SubjectSpec> = {
  status: { kind: "number", ops: NUMERIC_OPS },
  "latency.total": { kind: "number", ops: NUMERIC_OPS },
  "latency.dns": { kind: "number", ops: NUMERIC_OPS },
  "latency.connect": { kind: "number", ops: NUMERIC_OPS },
  "latency.tls": { kind: "number", ops: NUMERIC_OPS },
  "latency.firstByte": { kind: "number", ops: NUMERIC_OPS },
  body: { kind: "text", ops: ["contains", "notContains", "==", "!=", "exists", "notExists"] },
  json: { kind: "any", ops: [...ASSERTION_OPS], needsPath: true },
  header: { kind: "text", ops: TEXT_OPS, needsPath: true },
  "cert.daysLeft": { kind: "number", ops: NUMERIC_OPS },
  "cert.hostnameMatch": { kind: "boolean", ops: ["==", "!="] },
  "cert.chainValid": { kind: "boolean", ops: ["==", "!="] },
  "dns.answers": { kind: "text", ops: ["contains", "notContains", "exists", "notExists"] },
};

const ANY_SUBJECT: SubjectSpec = { kind: "any", ops: [...ASSERTION_OPS] };

/** How a subject compares; a type's own facts compare as any value (a number, text, yes/no). */
export function subjectSpec(subject: string): SubjectSpec {
  return (SUBJECTS as Record<string, SubjectSpec>)[subject] ?? ANY_SUBJECT;
}

const HTTP_SUBJECTS: Subject[] = [
  "status",
  "latency.total",
  "latency.dns",
  "latency.connect",
  "latency.tls",
  "latency.firstByte",
  "body",
  "json",
  "header",
  "cert.daysLeft",
  "cert.hostnameMatch",
  "cert.chainValid",
];

/** The subjects a check of each type observes (a tcp check has no status code, a dns one no body). */
export const SUBJECTS_BY_TYPE: Record<CuratedType, Subject[]> = {
  http: HTTP_SUBJECTS,
  keyword: HTTP_SUBJECTS,
  json: HTTP_SUBJECTS,
  tcp: ["latency.total", "latency.dns", "latency.connect"],
  dns: ["latency.total", "dns.answers"],
  tls: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "latency.tls",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
  ],
};

/** One row of the builder, as the inputs hold it. */
export interface AssertionRow {
  /** A stable React key; never sent. */
  key: string;
  subject: Subject;
  path: string;
  op: Op;
  value: string;
  caseSensitive: boolean;
  severity: "hard" | "soft";
}

/** An assertion as the API takes it. */
export interface ApiAssertion {
  subject: Subject;
  path?: string;
  op: Op;
  value?: string | number | boolean | null | Array<string | number>;
  caseSensitive?: boolean;
  severity: "hard" | "soft";
}

let nextKey = 0;
export function newRow(subject: Subject = "status", partial: Partial<AssertionRow> = {}): AssertionRow {
  const op = subjectSpec(subject).ops[0] ?? "==";
  nextKey += 1;
  return {
    key: `a${nextKey}`,
    subject,
    path: "",
    op,
    value: "",
    caseSensitive: false,
    severity: "hard",
    ...partial,
  };
}

export const needsValue = (op: Op) => op !== "exists" && op !== "notExists";
export const isListOp = (op: Op) => op === "in" || op === "notIn";

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** `true`, `false`, `null` and numbers as themselves; anything else as text. */
export function parseScalar(text: string): string | number | boolean | null {
  const s = text.trim();
  if (s === "true") return true;
  if (s === "false") return false;
  if (s === "null") return null;
  if (DECIMAL.test(s)) return Number(s);
  return text;
}

function listItems(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The row as the API takes it (no validation: `rowProblems` says what is wrong). */
export function toApiAssertion(row: AssertionRow): ApiAssertion {
  const spec = subjectSpec(row.subject);
  const out: ApiAssertion = { subject: row.subject, op: row.op, severity: row.severity };
  if (spec.needsPath) out.path = row.path.trim();
  if (needsValue(row.op)) {
    if (isListOp(row.op)) {
      out.value = listItems(row.value).map((v) => {
        const n = spec.kind === "text" ? v : parseScalar(v);
        return typeof n === "number" ? n : String(n);
      });
    } else if (spec.kind === "number") {
      out.value = DECIMAL.test(row.value.trim()) ? Number(row.value.trim()) : row.value;
    } else if (spec.kind === "boolean") {
      out.value = row.value !== "false";
    } else if (spec.kind === "text") {
      out.value = row.subject === "dns.answers" && row.value.includes(",") ? listItems(row.value) : row.value;
    } else {
      out.value = parseScalar(row.value);
    }
  }
  if ((spec.kind === "text" || spec.kind === "any") && row.caseSensitive) out.caseSensitive = true;
  return out;
}

/** A stored assertion back into a row (edit and clone). */
export function fromApiAssertion(a: ApiAssertion): AssertionRow {
  const subject = a.subject;
  const value = a.value === undefined ? "" : Array.isArray(a.value) ? a.value.join(", ") : String(a.value);
  return newRow(subject, {
    path: a.path ?? "",
    op: a.op,
    value: subjectSpec(subject).kind === "boolean" && a.value === undefined ? "true" : value,
    caseSensitive: a.caseSensitive === true,
    severity: a.severity === "soft" ? "soft" : "hard",
  });
}

export type RowProblem = "pathRequired" | "valueRequired" | "numberRequired" | "listRequired";

/** What the API would refuse in a row, found before sending: field → problem. */
export function rowProblems(row: AssertionRow): Partial<Record<"path" | "value", RowProblem>> {
  const problems: Partial<Record<"path" | "value", RowProblem>> = {};
  const spec = subjectSpec(row.subject);
  if (spec.needsPath && row.path.trim() === "") problems.path = "pathRequired";
  if (!needsValue(row.op) || spec.kind === "boolean") return problems;
  const value = row.value.trim();
  if (isListOp(row.op)) {
    if (listItems(value).length === 0) problems.value = "listRequired";
    else if (spec.kind === "number" && !listItems(value).every((v) => DECIMAL.test(v)))
      problems.value = "numberRequired";
  } else if (value === "") problems.value = "valueRequired";
  else if (spec.kind === "number" && !DECIMAL.test(value)) problems.value = "numberRequired";
  return problems;
}
