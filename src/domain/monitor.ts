/**
 * What a monitor is, as the probe sees it. Pure types: no IO. The API validates input into these
 * shapes (api/routes/monitors/schemas.ts); storage persists them; the probe executes them.
 */
import type { Assertion } from "./assertion.ts";

export const MONITOR_TYPES = ["http", "keyword", "json", "tcp", "dns", "tls"] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type HttpAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string };

export interface HttpSettings {
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
  followRedirects: boolean;
  maxRedirects: number;
  verifyTls: boolean;
  auth?: HttpAuth;
}

export interface KeywordSettings {
  keyword: string;
  /** `contains`: up when the body has the keyword; `notContains`: up when it does not. */
  mode: "contains" | "notContains";
  caseSensitive: boolean;
}

export const JSON_OPS = ["==", "!=", "<", ">", "contains", "exists"] as const;
export type JsonOp = (typeof JSON_OPS)[number];

export interface JsonSettings {
  path: string;
  op: JsonOp;
  /** Absent only for `exists`. */
  expected?: string | number | boolean | null;
}

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export interface DnsSettings {
  recordType: DnsRecordType;
  /** `ip` or `ip:port`; the system resolver when absent. */
  resolver?: string;
  /** When given, every expected value must be among the answers. */
  expected?: string[];
}

/** Type-specific settings, discriminated by `type`. `target` is a URL for http-like types, else host[:port]. */
export type MonitorSpecByType =
  | { type: "http"; http: HttpSettings }
  | { type: "keyword"; http: HttpSettings; keyword: KeywordSettings }
  | { type: "json"; http: HttpSettings; json: JsonSettings }
  | { type: "tcp" }
  | { type: "dns"; dns: DnsSettings }
  | { type: "tls" };

/** Everything a probe needs to run one check; it carries no database handles. */
export type CheckSpec = MonitorSpecByType & {
  monitorId: string;
  organizationId: string;
  target: string;
  timeoutMs: number;
  assertions: Assertion[];
};

/**
 * `maintenance`: inside a maintenance window (checked, recorded, never alerted).
 * `affected`: failing while a parent monitor is down (checked, recorded, no incident, no alert).
 */
export const MONITOR_STATES = [
  "pending",
  "up",
  "degraded",
  "down",
  "paused",
  "maintenance",
  "affected",
] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];

/** A monitor as its owner defines it (API input after validation). */
export type MonitorDefinition = MonitorSpecByType & {
  name: string;
  target: string;
  intervalSeconds: number;
  timeoutMs: number;
  regions: string[];
  assertions: Assertion[];
  failuresBeforeDown: number;
  successesBeforeUp: number;
  tags: string[];
  description: string | null;
  runbookUrl: string | null;
  /** Days before a certificate's expiry to warn at; null or absent: the server's default. */
  certExpiryDays?: number[] | null;
};

export type Monitor = MonitorDefinition & {
  id: string;
  organizationId: string;
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** The fields of a definition that hold type-specific settings. */
export type MonitorSettings = Omit<MonitorSpecByType, "type">;

export function toCheckSpec(m: Monitor): CheckSpec {
  const { id, organizationId, target, timeoutMs, assertions } = m;
  return {
    ...pickSettings(m),
    type: m.type,
    monitorId: id,
    organizationId,
    target,
    timeoutMs,
    assertions,
  } as CheckSpec;
}

/** Only the type-specific blocks of a definition, for storage as one JSON column. */
export function pickSettings(d: MonitorSpecByType): MonitorSettings {
  const { type: _type, ...settings } = d as MonitorSpecByType & Record<string, unknown>;
  const keep: Record<string, unknown> = {};
  for (const key of ["http", "keyword", "json", "dns"] as const) {
    if (key in settings) keep[key] = settings[key];
  }
  return keep as MonitorSettings;
}
