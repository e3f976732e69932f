/**
 * What a monitor is, as the probe sees it. Pure types: no IO. The fields every monitor has are
 * here; what a type adds (its settings blocks, like `http` or `dns`) is defined by that type's
 * folder in src/monitor-types, which validates input into these shapes and runs the checks.
 */
import type { Assertion } from "./assertion.ts";

/** A monitor type's name: one folder of src/monitor-types, listed in its registry.ts. */
export type MonitorType = string;

/**
 * A type's settings blocks by name (`{ http: {...}, keyword: {...} }`), as that type's schema
 * produced them. Stored as one JSON column; the type's own code reads them with its own types.
 */
export type MonitorSettings = Record<string, Record<string, unknown>>;

/** A type and its settings blocks, which sit beside the common fields (`{ type: "dns", dns: {...} }`). */
export type MonitorSpecByType = { type: MonitorType } & { [block: string]: unknown };

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

/** The fields every monitor has, whatever its type. */
export interface MonitorCommon {
  type: MonitorType;
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
  /**
   * Regions that must see it down (or degraded) in one slot for its state to follow; null or
   * absent: a majority of its regions (docs/regions.md). One region: always 1.
   */
  quorum?: number | null;
}

/** A monitor as its owner defines it (API input after validation): the common fields and its type's blocks. */
export type MonitorDefinition = MonitorCommon & { [block: string]: unknown };

export type Monitor = MonitorDefinition & {
  id: string;
  organizationId: string;
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** Fields of a definition, a stored monitor or its view that are never a type's settings block. */
const NOT_SETTINGS = new Set<string>([
  "type",
  "name",
  "target",
  "intervalSeconds",
  "timeoutMs",
  "regions",
  "assertions",
  "failuresBeforeDown",
  "successesBeforeUp",
  "tags",
  "description",
  "runbookUrl",
  "certExpiryDays",
  "quorum",
  "id",
  "organizationId",
  "paused",
  "parents",
  "createdAt",
  "updatedAt",
  "state",
  "stateSince",
  "lastCheckedAt",
  "lastStatus",
  "monitorId",
]);

export function toCheckSpec(m: Monitor): CheckSpec {
  const { id, organizationId, target, timeoutMs, assertions } = m;
  return { ...pickSettings(m), type: m.type, monitorId: id, organizationId, target, timeoutMs, assertions };
}

/**
 * Only the type-specific blocks of a definition, for storage as one JSON column: every field that
 * holds a plain object and is not one of the common fields. A type's schema decides which blocks
 * exist (src/monitor-types); validated input holds no others.
 */
export function pickSettings(d: object): MonitorSettings {
  const keep: MonitorSettings = {};
  for (const [key, value] of Object.entries(d)) {
    if (NOT_SETTINGS.has(key)) continue;
    if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Date)
      continue;
    keep[key] = value as Record<string, unknown>;
  }
  return keep;
}
