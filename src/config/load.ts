import { readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import type { LogFormatSetting } from "../lib/logger.ts";
import { ENV_VARS, type EnvName } from "./schema.ts";

type Env = { [K in EnvName]: z.output<(typeof ENV_VARS)[K]["schema"]> };

export interface Config {
  http: { port: number; host: string; bodyLimitBytes: number; trustProxy: boolean };
  db: { driver: "pglite"; dataDir: string; sharedBuffersMb: number } | { driver: "postgres"; url: string };
  /** DATA_DIR resolved: the PGlite files and the generated secret key live here. */
  dataDir: string;
  /** format `auto`: readable on a terminal, JSON otherwise (src/lib/logger.ts decides). */
  log: { level: string; format: LogFormatSetting };
  /** HEAP_GROWING_PERCENT: applied by `upblit start` (src/lib/heap.ts). */
  heapGrowingPercent: number;
  /** V8 may tier WebAssembly up to its optimizing compiler (WASM_OPTIMIZE). */
  wasmOptimize: boolean;
  roles: ReadonlySet<"api" | "scheduler" | "probe" | "evaluator" | "notifier">;
  region: string;
  probe: {
    allowPrivateTargets: boolean;
    concurrency: number;
    /** Worker threads running checks; 0: on the main thread. */
    threads: number;
    maxBodyBytes: number;
    canaryTarget: string | undefined;
    /** BROWSER_EXECUTABLE as set (undefined: /usr/bin/chromium when installed) and BROWSER_CONCURRENCY. */
    browser: { executable: string | undefined; concurrency: number };
  };
  limits: { minIntervalSeconds: number; maxMonitorsPerOrg: number };
  /** Requests per minute per API key and per person (every authenticated request). */
  apiRateLimits: { perKey: number; perUser: number };
  retention: { rawDays: number; rollupDays: number; auditDays: number };
  auth: {
    /** From SECRET_KEY; undefined means the key file in the data folder (or an in-memory key). */
    secretKey: string | undefined;
    publicUrl: string;
    sessionMaxDays: number;
  };
  mail: { smtpUrl: string | undefined; from: string };
  notify: { leaseMs: number; concurrency: number; followUpEveryMs: number };
  /** Certificate expiry warnings: the default thresholds in days. */
  certificates: { warnDays: number[] };
  /** Custom domains of status pages: the DNS server asked for their TXT records (system's when unset). */
  statusPages: { domainResolver: string | undefined };
  /** METRICS_TOKEN: the operator's bearer token for /metrics; undefined: API keys only. */
  metrics: { token: string | undefined };
  redis: { url: string; prefix: string } | undefined;
  /** The built dashboard (WEB_ROOT); undefined: web/dist in the package folder. */
  web: { root: string | undefined };
  shutdownTimeoutMs: number;
  /** Past a slot's timeout, how long its result may take before the slot counts as lost. */
  lostCheckGraceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * Reads the config once, from an optional JSON file (keys are the variable names) overlaid by
 * the environment. Collects every problem before failing, one line per wrong value.
 */
export function loadConfig(env: Record<string, string | undefined>, configFile?: string): Config {
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    const raw = env[name] ?? fromFile[name] ?? spec.default;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else
      problems.push(
        `${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
      );
  }
  for (const key of Object.keys(fromFile)) {
    if (!(key in ENV_VARS)) problems.push(`${key} (in ${configFile}): unknown setting`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Every key was parsed by its own schema above, so the record has exactly the Env shape.
  const v = values as Env;
  return Object.freeze({
    http: { port: v.PORT, host: v.HOST, bodyLimitBytes: v.API_BODY_LIMIT_BYTES, trustProxy: v.TRUST_PROXY },
    db: v.DATABASE_URL
      ? { driver: "postgres" as const, url: v.DATABASE_URL }
      : {
          driver: "pglite" as const,
          dataDir: v.DATA_DIR === "memory://" ? v.DATA_DIR : path.resolve(v.DATA_DIR),
          sharedBuffersMb: v.PGLITE_SHARED_BUFFERS_MB,
        },
    dataDir: v.DATA_DIR === "memory://" ? v.DATA_DIR : path.resolve(v.DATA_DIR),
    log: { level: v.LOG_LEVEL, format: v.LOG_FORMAT },
    heapGrowingPercent: v.HEAP_GROWING_PERCENT,
    wasmOptimize: v.WASM_OPTIMIZE,
    roles: new Set(v.UPBLIT_ROLES),
    region: v.REGION,
    probe: {
      allowPrivateTargets: v.ALLOW_PRIVATE_TARGETS,
      concurrency: v.PROBE_CONCURRENCY,
      threads: v.PROBE_THREADS,
      maxBodyBytes: v.MAX_BODY_BYTES,
      canaryTarget: v.CANARY_TARGET,
      browser: { executable: v.BROWSER_EXECUTABLE, concurrency: v.BROWSER_CONCURRENCY },
    },
    limits: { minIntervalSeconds: v.MIN_INTERVAL_SECONDS, maxMonitorsPerOrg: v.MAX_MONITORS_PER_ORG },
    apiRateLimits: { perKey: v.API_RATE_LIMIT_PER_KEY, perUser: v.API_RATE_LIMIT_PER_USER },
    retention: {
      rawDays: v.RAW_RETENTION_DAYS,
      rollupDays: v.ROLLUP_RETENTION_DAYS,
      auditDays: v.AUDIT_RETENTION_DAYS,
    },
    auth: {
      secretKey: v.SECRET_KEY,
      publicUrl: (v.PUBLIC_URL ?? `http://${hostForUrl(v.HOST)}:${v.PORT}`).replace(/\/$/, ""),
      sessionMaxDays: v.SESSION_MAX_DAYS,
    },
    mail: { smtpUrl: v.SMTP_URL, from: v.SMTP_FROM },
    notify: {
      leaseMs: v.NOTIFY_LEASE_SECONDS * 1000,
      concurrency: v.NOTIFY_CONCURRENCY,
      followUpEveryMs: v.ALERT_SWEEP_SECONDS * 1000,
    },
    certificates: { warnDays: v.CERT_EXPIRY_WARN_DAYS },
    statusPages: { domainResolver: v.STATUS_DOMAIN_RESOLVER },
    metrics: { token: v.METRICS_TOKEN },
    redis: v.REDIS_URL ? { url: v.REDIS_URL, prefix: v.REDIS_PREFIX } : undefined,
    web: { root: v.WEB_ROOT === undefined ? undefined : path.resolve(v.WEB_ROOT) },
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    lostCheckGraceMs: v.LOST_CHECK_GRACE_SECONDS * 1000,
  });
}

/** `0.0.0.0` and `::` are where we listen, not where people reach us. */
function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

function readConfigFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError([`config file ${file}: ${(err as Error).message}`]);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`config file ${file}: must be a JSON object of setting names to values`]);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, val]) => [k, String(val)]));
}
