import { isIP } from "node:net";
import { z } from "zod";
import { ASSERTION_OPS, ASSERTION_SUBJECTS } from "../../../domain/assertion.ts";
import { parseJsonPath } from "../../../domain/json-path.ts";
import { DNS_RECORD_TYPES, HTTP_METHODS, JSON_OPS, type MonitorDefinition } from "../../../domain/monitor.ts";
import { safeText, UNSAFE_CHARS } from "../../text.ts";

/**
 * Monitor input schemas. They validate requests, type the handlers and generate the OpenAPI
 * document. Limits here are the documented ones (docs/api.md).
 */
export const LIMITS = {
  nameChars: 200,
  targetChars: 2048,
  headers: 50,
  headerValueChars: 4096,
  requestBodyChars: 65_536,
  assertions: 20,
  tags: 20,
  tagChars: 50,
  descriptionChars: 2000,
  maxIntervalSeconds: 86_400,
  minTimeoutMs: 100,
  maxTimeoutMs: 120_000,
  maxRedirects: 10,
  maxThreshold: 20,
  parents: 10,
  certExpiryThresholds: 5,
  maxCertExpiryDays: 365,
} as const;

/** True when no value appears twice. */
const distinct = (values: unknown[]) => new Set(values).size === values.length;

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)(\.(?!-)[a-zA-Z0-9-]{1,63}(?<!-))*\.?$/;
const isHost = (h: string) => HOSTNAME.test(h) || isIP(h) !== 0;

const HttpUrl = z
  .string()
  .max(LIMITS.targetChars)
  .refine((s) => !UNSAFE_CHARS.test(s) && !/\s/.test(s), "must not contain spaces or control characters")
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, "must be an absolute http:// or https:// URL")
  .refine((s) => !URL.canParse(s) || (new URL(s).username === "" && new URL(s).password === ""), {
    message: "must not contain credentials; use http.auth",
  })
  .meta({ example: "https://example.com/health" });

/** `host:port` or `[ipv6]:port`. */
const HostPort = z
  .string()
  .max(260)
  .refine((s) => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
    if (!m) return false;
    const host = m[1] ?? m[2] ?? "";
    const port = Number(m[3]);
    return port >= 1 && port <= 65535 && (m[1] ? isIP(host) === 6 : isHost(host));
  }, "must be host:port (IPv6 as [addr]:port) with a port from 1 to 65535")
  .meta({ example: "db.example.com:5432" });

const Hostname = z.string().max(253).refine(isHost, "must be a hostname").meta({ example: "example.com" });

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, "must be an HTTP header name");
const HeaderValue = z
  .string()
  .max(LIMITS.headerValueChars)
  .refine((s) => !/[\r\n\0]/.test(s), "must not contain CR, LF or NUL");

export const HttpSettingsInput = z.strictObject({
  method: z.enum(HTTP_METHODS).default("GET"),
  headers: z
    .record(HeaderName, HeaderValue)
    .refine((h) => Object.keys(h).length <= LIMITS.headers, `at most ${LIMITS.headers} headers`)
    .default({}),
  body: z.string().max(LIMITS.requestBodyChars).optional(),
  followRedirects: z.boolean().default(true),
  maxRedirects: z.number().int().min(0).max(LIMITS.maxRedirects).default(5),
  verifyTls: z.boolean().default(true),
  auth: z
    .discriminatedUnion("type", [
      z.strictObject({
        type: z.literal("basic"),
        username: z.string().max(256),
        password: z.string().max(1024),
      }),
      z.strictObject({ type: z.literal("bearer"), token: z.string().min(1).max(4096) }),
    ])
    .optional(),
});

const ScalarValue = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]);

export const AssertionInput = z
  .strictObject({
    subject: z.enum(ASSERTION_SUBJECTS),
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

function checkJsonPath(path: string, ctx: z.RefinementCtx, at: string[]): void {
  try {
    parseJsonPath(path);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: at, message: (err as Error).message });
  }
}

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
      .default([defaultRegion]),
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
  const http = HttpSettingsInput.default(HttpSettingsInput.parse({}));
  return z
    .discriminatedUnion("type", [
      z.strictObject({ ...common, type: z.literal("http"), target: HttpUrl, http }),
      z.strictObject({
        ...common,
        type: z.literal("keyword"),
        target: HttpUrl,
        http,
        keyword: z.strictObject({
          keyword: z.string().min(1).max(1024),
          mode: z.enum(["contains", "notContains"]).default("contains"),
          caseSensitive: z.boolean().default(false),
        }),
      }),
      z.strictObject({
        ...common,
        type: z.literal("json"),
        target: HttpUrl,
        http,
        json: z
          .strictObject({ path: z.string().max(256), op: z.enum(JSON_OPS), expected: ScalarValue.optional() })
          .superRefine((j, ctx) => {
            checkJsonPath(j.path, ctx, ["path"]);
            if (j.op !== "exists" && j.expected === undefined) {
              ctx.addIssue({
                code: "custom",
                path: ["expected"],
                message: `${j.op} needs an expected value`,
              });
            }
          }),
      }),
      z.strictObject({ ...common, type: z.literal("tcp"), target: HostPort }),
      z.strictObject({
        ...common,
        type: z.literal("dns"),
        target: Hostname,
        dns: z.strictObject({
          recordType: z.enum(DNS_RECORD_TYPES).default("A"),
          resolver: z
            .string()
            .max(60)
            .refine(
              (s) => isIP(s) !== 0 || HostPortIp.test(s),
              "must be an IP address, optionally with :port",
            )
            .optional(),
          expected: z.array(z.string().min(1).max(512)).max(20).optional(),
        }),
      }),
      z.strictObject({ ...common, type: z.literal("tls"), target: HostPort }),
    ])
    .superRefine((m, ctx) => {
      if ((m.timeoutMs ?? defaultTimeoutMs(m.intervalSeconds)) >= m.intervalSeconds * 1000) {
        ctx.addIssue({ code: "custom", path: ["timeoutMs"], message: "must be shorter than the interval" });
      }
    })
    .transform((m) => ({ ...m, timeoutMs: m.timeoutMs ?? defaultTimeoutMs(m.intervalSeconds) }));
}

/**
 * The timeout of a monitor that sets none: 10 s, or 80 % of the interval when that is less, so
 * every allowed interval (even 1 s) has a default that fits it (docs/monitors.md).
 */
export function defaultTimeoutMs(intervalSeconds: number): number {
  return Math.max(LIMITS.minTimeoutMs, Math.min(DEFAULT_TIMEOUT_MS, Math.floor(intervalSeconds * 800)));
}

const DEFAULT_TIMEOUT_MS = 10_000;

const HostPortIp = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/;

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
    assertions: z.unknown().optional(),
    failuresBeforeDown: z.unknown().optional(),
    successesBeforeUp: z.unknown().optional(),
    tags: z.unknown().optional(),
    description: z.unknown().optional(),
    runbookUrl: z.unknown().optional(),
    paused: z.unknown().optional(),
    parents: z.unknown().optional(),
    certExpiryDays: z.unknown().optional(),
    http: z.record(z.string(), z.unknown()).optional(),
    keyword: z.record(z.string(), z.unknown()).optional(),
    json: z.record(z.string(), z.unknown()).optional(),
    dns: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ description: "Fields to change; validated as a whole monitor after merging." });
export type MonitorPatch = z.infer<typeof MonitorPatch>;
