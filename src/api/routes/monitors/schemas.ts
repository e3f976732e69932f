import { z } from "zod";
import { ASSERTION_OPS } from "../../../domain/assertion.ts";
import type { MonitorDefinition } from "../../../domain/monitor.ts";
import { AppError } from "../../../lib/errors.ts";
import type { MonitorTypeDefinition } from "../../../monitor-types/define.ts";
import { checkJsonPath, HttpUrl, ScalarValue, TARGET_CHARS } from "../../../monitor-types/fields.ts";
import { HTTP_LIMITS } from "../../../monitor-types/http/settings.ts";
import { MONITOR_TYPE_LIST } from "../../../monitor-types/registry.ts";
import { ASSERTION_SUBJECT_NAMES, SETTINGS_BLOCKS } from "../../../monitor-types/types.ts";
import { safeText } from "../../text.ts";

/**
 * Monitor input schemas. They validate requests, type the handlers and generate the OpenAPI
 * document. The fields every monitor has are here; each type's target and settings blocks come
 * from its folder in src/monitor-types (the registry). Limits are the documented ones (docs/api.md).
 */
export const LIMITS = {
  nameChars: 200,
  targetChars: TARGET_CHARS,
  headers: HTTP_LIMITS.headers,
  headerValueChars: HTTP_LIMITS.headerValueChars,
  requestBodyChars: HTTP_LIMITS.requestBodyChars,
  assertions: 20,
  tags: 20,
  tagChars: 50,
  descriptionChars: 2000,
  maxIntervalSeconds: 86_400,
  minTimeoutMs: 100,
  maxTimeoutMs: 120_000,
  maxRedirects: HTTP_LIMITS.maxRedirects,
  maxThreshold: 20,
  parents: 10,
  certExpiryThresholds: 5,
  maxCertExpiryDays: 365,
} as const;

/** True when no value appears twice. */
const distinct = (values: unknown[]) => new Set(values).size === values.length;

export const AssertionInput = z
  .strictObject({
    subject: z.enum(ASSERTION_SUBJECT_NAMES),
    path: z.string().max(256).optional(),
    op: z.enum(ASSERTION_OPS),
    value: z.union([ScalarValue, z.array(z.union([z.string().max(1024), z.number()])).max(50)]).optional(),
    caseSensitive: z.boolean().optional(),
    severity: z.enum(["hard", "soft"]).default("hard"),
  })
  .superRefine((a, ctx) => {
    if (a.subject === "json") {
      if (!a.path)
        ctx.addIssue({
          code: "custom",
          path: ["path"],
          message: "json assertions need a path like $.status",
        });
      else checkJsonPath(a.path, ctx, ["path"]);
    }
    if (a.subject === "header" && !a.path) {
      ctx.addIssue({
        code: "custom",
        path: ["path"],
        message: "header assertions need the header name in path",
      });
    }
    const needsValue = a.op !== "exists" && a.op !== "notExists";
    if (needsValue && a.value === undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: `${a.op} needs a value` });
    if ((a.op === "in" || a.op === "notIn") && !Array.isArray(a.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `${a.op} needs an array value` });
    }
  });

export function monitorCommonFields(limits: { minIntervalSeconds: number }, defaultRegion: string) {
  return {
    name: safeText(LIMITS.nameChars),
    intervalSeconds: z
      .number()
      .int()
      .min(limits.minIntervalSeconds)
      .max(LIMITS.maxIntervalSeconds)
      .default(60),
    timeoutMs: z.number().int().min(LIMITS.minTimeoutMs).max(LIMITS.maxTimeoutMs).optional().meta({
      description:
        "One deadline for the whole check, shorter than the interval. Default: 10,000 ms, or 80 % of the interval when that is less.",
    }),
    regions: z
      .array(z.string().regex(/^[a-z0-9-]{1,32}$/))
      .min(1)
      .max(10)
      .refine(distinct, "must not name a region twice")
      .default([defaultRegion])
      .meta({
        description:
          "Declared regions (GET /api/v1/regions) to check from, once per interval each. Default: the server's own region (REGION), which is always declared. See docs/regions.md.",
      }),
    quorum: z.number().int().min(1).max(10).nullable().default(null).meta({
      description:
        "How many of its regions must see it down (or degraded) in the same slot for the monitor to be down (or degraded); at most the number of regions. null: a majority. A region whose probes are all silent counts as unknown, never as down.",
    }),
    assertions: z.array(AssertionInput).max(LIMITS.assertions).default([]),
    failuresBeforeDown: z.number().int().min(1).max(LIMITS.maxThreshold).default(1),
    successesBeforeUp: z.number().int().min(1).max(LIMITS.maxThreshold).default(1),
    tags: z.array(safeText(LIMITS.tagChars)).max(LIMITS.tags).default([]),
    description: z.string().max(LIMITS.descriptionChars).nullable().default(null),
    runbookUrl: HttpUrl.nullable().default(null),
    paused: z.boolean().default(false),
    parents: z
      .array(z.string().min(1).max(40))
      .max(LIMITS.parents)
      .refine(distinct, "must not name a monitor twice")
      .default([])
      .meta({
        description:
          "Monitors this one depends on (same organization, no cycles). While one of them is down, this monitor's failures make it `affected`: no incident, no alert. See docs/dependencies.md.",
      }),
    certExpiryDays: z
      .array(z.number().int().min(1).max(LIMITS.maxCertExpiryDays))
      .max(LIMITS.certExpiryThresholds)
      .refine(distinct, "must not repeat a threshold")
      .nullable()
      .default(null)
      .meta({
        description:
          "Days before the certificate expires (tls and https monitors) to warn at, once each; [] warns never; null uses the server's CERT_EXPIRY_WARN_DAYS (30, 14, 7 by default). See docs/certificates.md.",
      }),
  };
}

/** The full definition of a monitor; create takes it, and an update is merged into it first. */
export function monitorDefinitionSchema(limits: { minIntervalSeconds: number }, defaultRegion: string) {
  const common = monitorCommonFields(limits, defaultRegion);
  const [first, ...rest] = MONITOR_TYPE_LIST.map((t) => typeBranch(t, common));
  if (!first) throw new Error("the monitor type registry is empty");
  return z
    .discriminatedUnion("type", [first, ...rest])
    .superRefine((m, ctx) => {
      if ((m.timeoutMs ?? defaultTimeoutMs(m.intervalSeconds)) >= m.intervalSeconds * 1000) {
        ctx.addIssue({ code: "custom", path: ["timeoutMs"], message: "must be shorter than the interval" });
      }
      if (m.quorum != null && m.quorum > m.regions.length) {
        ctx.addIssue({
          code: "custom",
          path: ["quorum"],
          message: `must be at most the number of regions (${m.regions.length})`,
        });
      }
    })
    .transform((m) => ({ ...m, timeoutMs: m.timeoutMs ?? defaultTimeoutMs(m.intervalSeconds) }));
}

/** Why a browser monitor is refused on a server without Chromium (docs/monitors.md). */
export const NO_BROWSER_MESSAGE =
  "browser monitors need a Chromium on the server: install it (/usr/bin/chromium) or set BROWSER_EXECUTABLE";

/**
 * Refuses a monitor of a type this server cannot check (define.ts `needs`): 422 at `type`, saying
 * what to configure. Creating, changing and testing a definition all ask.
 */
export function requireCapabilities(type: string, capabilities: { browser: boolean } | undefined): void {
  const needs = MONITOR_TYPE_LIST.find((t) => t.type === type)?.needs;
  if (needs === "browser" && capabilities?.browser === false) {
    throw new AppError("PRECONDITION_FAILED", NO_BROWSER_MESSAGE, {
      errors: [{ path: "body.type", message: NO_BROWSER_MESSAGE }],
    });
  }
}

/**
 * One branch of the create schema: the common fields, the type's target and settings blocks, and
 * its own checks; named `<Type>Monitor` in the OpenAPI document (`HttpMonitorInput` as a request body).
 */
function typeBranch(t: MonitorTypeDefinition, common: ReturnType<typeof monitorCommonFields>) {
  const branch = z.strictObject({ ...common, type: z.literal(t.type), target: t.target, ...t.settings });
  const refine = t.refine;
  const checked = refine
    ? branch.superRefine((m, ctx) => refine(m as unknown as Parameters<typeof refine>[0], ctx))
    : branch;
  return checked.meta({ id: `${pascal(t.type)}Monitor`, description: t.summary });
}

/** `http` → `Http`, `multi-step` → `MultiStep`. */
const pascal = (name: string) =>
  name.replace(/(^|[-_.])([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/**
 * The timeout of a monitor that sets none: 10 s, or 80 % of the interval when that is less, so
 * every allowed interval (even 1 s) has a default that fits it (docs/monitors.md).
 */
export function defaultTimeoutMs(intervalSeconds: number): number {
  return Math.max(LIMITS.minTimeoutMs, Math.min(DEFAULT_TIMEOUT_MS, Math.floor(intervalSeconds * 800)));
}

const DEFAULT_TIMEOUT_MS = 10_000;

export type MonitorDefinitionInput = z.infer<ReturnType<typeof monitorDefinitionSchema>>;

/** Compile-time check that what the schema produces is a domain MonitorDefinition (plus `paused` and `parents`). */
export function splitInput(input: MonitorDefinitionInput): {
  definition: MonitorDefinition;
  paused: boolean;
  parents: string[];
} {
  const { paused, parents, ...definition } = input;
  return { definition, paused, parents };
}

/** An update: any top-level field; settings blocks merge one level deep into the current ones. */
export const MonitorPatch = z
  .strictObject({
    name: z.unknown().optional(),
    type: z.unknown().optional(),
    target: z.unknown().optional(),
    intervalSeconds: z.unknown().optional(),
    timeoutMs: z
      .unknown()
      .optional()
      .meta({ description: "null returns to the default, which then follows the interval" }),
    regions: z.unknown().optional(),
    quorum: z.unknown().optional().meta({ description: "null returns to a majority" }),
    assertions: z.unknown().optional(),
    failuresBeforeDown: z.unknown().optional(),
    successesBeforeUp: z.unknown().optional(),
    tags: z.unknown().optional(),
    description: z.unknown().optional(),
    runbookUrl: z.unknown().optional(),
    paused: z.unknown().optional(),
    parents: z.unknown().optional(),
    certExpiryDays: z.unknown().optional(),
    ...Object.fromEntries(
      SETTINGS_BLOCKS.map((block) => [block, z.record(z.string(), z.unknown()).optional()]),
    ),
  })
  .meta({ description: "Fields to change; validated as a whole monitor after merging." });
export type MonitorPatch = z.infer<typeof MonitorPatch>;
