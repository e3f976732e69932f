import { ApiError } from "../../api/client.ts";
import type { Monitor } from "../../app/session.ts";
import {
  type ApiAssertion,
  type AssertionRow,
  fromApiAssertion,
  type MonitorType,
  parseScalar,
  toApiAssertion,
} from "./assertion-model.ts";
import { describeType, typeNames, visibleFields } from "./type-catalog.ts";
import { type HeaderRow, initialSettings, type SettingValue } from "./type-fields.ts";

/** Everything the monitor form holds, as its inputs hold it (text stays text until sent). */
export interface FormState {
  type: MonitorType;
  name: string;
  target: string;
  intervalSeconds: string;
  timeoutMs: string;
  failuresBeforeDown: string;
  successesBeforeUp: string;
  regions: string;
  /** How many regions must agree a slot is down; "" is null (a majority). */
  quorum: string;
  tags: string;
  description: string;
  runbookUrl: string;
  certExpiryDays: string;
  paused: boolean;
  parents: string[];
  channelIds: string[];
  settings: Record<string, SettingValue>;
  assertions: AssertionRow[];
  /** Editing: the kind of credentials stored on the server (write-only, so not shown). */
  storedAuth?: "basic" | "bearer" | undefined;
  /** Editing: the generated secret fields that have a stored value (`postgres.password`). */
  storedSecrets?: string[];
}

export function emptyForm(type: MonitorType = "http"): FormState {
  return {
    type,
    name: "",
    target: "",
    intervalSeconds: "60",
    timeoutMs: "",
    failuresBeforeDown: "1",
    successesBeforeUp: "1",
    regions: "",
    quorum: "",
    tags: "",
    description: "",
    runbookUrl: "",
    certExpiryDays: "",
    paused: false,
    parents: [],
    channelIds: [],
    settings: initialSettings(),
    assertions: [],
  };
}

let headerKey = 0;
export function newHeader(name = "", value = ""): HeaderRow {
  headerKey += 1;
  return { key: `h${headerKey}`, name, value };
}

/** The regions typed in the form (the quorum field shows from two on). */
export const regionList = (s: FormState) => list(s.regions);

const join = (values: unknown) => (Array.isArray(values) ? values.join(", ") : "");

/** A stored monitor as the form's state (edit), or as a new one's (clone: `asCopy`). */
export function fromMonitor(m: Monitor, channelIds: string[] = [], asCopy?: { name: string }): FormState {
  const type: MonitorType = typeNames().includes(m.type) ? m.type : "http";
  const settings = initialSettings();
  const blocks = m as unknown as Record<string, unknown>;
  const storedSecrets: string[] = [];
  for (const f of describeType(type).fields) {
    const [block, ...rest] = f.key.split(".");
    let value: unknown = blocks[block ?? ""];
    for (const part of rest) value = (value as Record<string, unknown> | undefined)?.[part];
    if (value === undefined || value === null) continue;
    if (f.kind === "secret" && f.label === undefined) storedSecrets.push(f.key);
    if (f.kind === "headers") {
      settings[f.key] = Object.entries(value as Record<string, string>).map(([k, v]) => newHeader(k, v));
    } else if (f.kind === "checkbox") settings[f.key] = value === true;
    else if (f.kind === "list") settings[f.key] = join(value);
    else if (f.kind === "json") settings[f.key] = JSON.stringify(value, null, 2);
    else if (f.kind !== "secret") settings[f.key] = String(value);
  }
  const storedAuth = (m.http?.auth as { type?: string } | undefined)?.type;
  return {
    type,
    name: asCopy ? asCopy.name : m.name,
    target: m.target,
    intervalSeconds: String(m.intervalSeconds),
    timeoutMs: String(m.timeoutMs),
    failuresBeforeDown: String(m.failuresBeforeDown),
    successesBeforeUp: String(m.successesBeforeUp),
    regions: join(m.regions),
    quorum: m.quorum === null || m.quorum === undefined ? "" : String(m.quorum),
    tags: join(m.tags),
    description: m.description ?? "",
    runbookUrl: m.runbookUrl ?? "",
    certExpiryDays: m.certExpiryDays === null ? "" : join(m.certExpiryDays),
    paused: asCopy ? false : m.paused,
    parents: [...m.parents],
    channelIds,
    settings,
    assertions: (m.assertions as ApiAssertion[]).map(fromApiAssertion),
    // A copy has no credentials: they are write-only, so it must be given them again.
    storedAuth: !asCopy && (storedAuth === "basic" || storedAuth === "bearer") ? storedAuth : undefined,
    storedSecrets: asCopy ? [] : storedSecrets,
  };
}

const INTEGER = /^-?\d+$/;
/** Whole numbers as numbers; anything else as typed, so the API names the field at fault. */
const num = (s: string) => (INTEGER.test(s.trim()) ? Number(s.trim()) : s);
const list = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** JSON as typed, parsed; text that is not JSON is sent as it is, so the API names the field. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let at = target;
  for (const part of parts.slice(0, -1)) {
    at[part] ??= {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts[parts.length - 1] ?? key] = value;
}

/**
 * The request body for `POST /monitors` (and `/monitors/test`), or for `PATCH /monitors/{id}`
 * when `editing`: there, stored credentials the person did not retype are left out, so the
 * server keeps them. Channels are not part of it (they have their own endpoint).
 */
export function toRequestBody(s: FormState, editing = false): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: s.name.trim(),
    type: s.type,
    target: s.target.trim(),
    intervalSeconds: num(s.intervalSeconds),
    failuresBeforeDown: num(s.failuresBeforeDown),
    successesBeforeUp: num(s.successesBeforeUp),
    tags: list(s.tags),
    description: s.description.trim() === "" ? null : s.description,
    runbookUrl: s.runbookUrl.trim() === "" ? null : s.runbookUrl.trim(),
    certExpiryDays: s.certExpiryDays.trim() === "" ? null : list(s.certExpiryDays).map(num),
    paused: s.paused,
    parents: s.parents,
    assertions: s.assertions.map(toApiAssertion),
  };
  if (s.timeoutMs.trim() !== "") body.timeoutMs = num(s.timeoutMs);
  if (s.regions.trim() !== "") body.regions = list(s.regions);
  // null: a majority of the regions (the API's default); a number as typed, so the API can name it.
  body.quorum = s.quorum.trim() === "" ? null : num(s.quorum);
  const v = s.settings;
  for (const f of visibleFields(s.type, v)) {
    const value = v[f.key] ?? f.initial;
    if (f.key.startsWith("http.auth.")) continue;
    if (f.optional && (value === "" || value === undefined)) continue;
    if (f.kind === "headers") {
      const rows = (value as HeaderRow[]).filter((h) => h.name.trim() !== "");
      setPath(body, f.key, Object.fromEntries(rows.map((h) => [h.name.trim(), h.value])));
    } else if (f.kind === "number") setPath(body, f.key, num(String(value)));
    else if (f.kind === "list") setPath(body, f.key, list(String(value)));
    else if (f.kind === "scalar") setPath(body, f.key, parseScalar(String(value)));
    else if (f.kind === "json") setPath(body, f.key, parseJsonText(String(value)));
    else setPath(body, f.key, value);
  }
  if (describeType(s.type).noTarget) body.target = "";
  if (describeType(s.type).fields.some((f) => f.key === "http.auth.type")) {
    const type = v["http.auth.type"];
    const secret = String(type === "basic" ? v["http.auth.password"] : v["http.auth.token"]);
    const keepStored = editing && type === s.storedAuth && secret === "";
    if (type === "basic" && !keepStored) {
      setPath(body, "http.auth", {
        type,
        username: String(v["http.auth.username"]),
        password: secret,
      });
    } else if (type === "bearer" && !keepStored) setPath(body, "http.auth", { type, token: secret });
  }
  return body;
}

/** The API's message for a form field (`path` without the `body.` the API puts first). */
export function errorAt(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.fieldError(`body.${path}`) ?? error.fieldError(path);
}

/** Every message at `path` or below it (`http.headers` also takes `http.headers.X-Thing`). */
export function errorsUnder(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const hits = error.errors.filter((e) => {
    const p = e.path.startsWith("body.") ? e.path.slice(5) : e.path;
    return p === path || p.startsWith(`${path}.`);
  });
  return hits.length ? hits.map((e) => e.message).join("; ") : undefined;
}

/** The API paths the form shows next to a field; FormProblem lists the others at the top. */
export function placedPaths(error: unknown, s: FormState): string[] {
  if (!(error instanceof ApiError)) return [];
  const own = [
    "name",
    "type",
    "target",
    "intervalSeconds",
    "timeoutMs",
    "failuresBeforeDown",
    "successesBeforeUp",
    "regions",
    "quorum",
    "tags",
    "description",
    "runbookUrl",
    "certExpiryDays",
    "parents",
  ];
  const fields = visibleFields(s.type, s.settings).map((f) => f.key);
  return error.errors
    .map((e) => e.path)
    .filter((path) => {
      const p = path.startsWith("body.") ? path.slice(5) : path;
      if (own.some((o) => p === o || p.startsWith(`${o}.`))) return true;
      if (p.startsWith("http.headers") || p.startsWith("http.auth")) return true;
      if (/^assertions\.\d+\.(path|value|op|subject)$/.test(p)) return true;
      return fields.some((f) => p === f || p.startsWith(`${f}.`));
    });
}
