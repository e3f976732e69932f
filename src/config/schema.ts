import { z } from "zod";

/**
 * Every environment variable Upblit reads, with its default and meaning. The README's
 * configuration table is generated from this list (`npm run docs:config`), so they never drift.
 */
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ENV_VARS = {
  PORT: { schema: int(0, 65535), default: "3000", doc: "TCP port of the HTTP server (API, docs)." },
  HOST: {
    schema: z.string().min(1),
    default: "127.0.0.1",
    doc: "Address to bind. Loopback by default; `0.0.0.0` to listen on every interface.",
  },
  DATA_DIR: {
    schema: z.string().min(1),
    default: "./data",
    doc: "Folder for the embedded PGlite database (`memory://` keeps it in memory, for tests).",
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    default: undefined,
    doc: "Use this PostgreSQL server instead of the embedded PGlite database.",
  },
  PGLITE_SHARED_BUFFERS_MB: {
    schema: int(8, 4_096),
    default: "16",
    doc: "Shared buffers of the embedded PGlite database, in MB (memory held for the process's life).",
  },
  HEAP_GROWING_PERCENT: {
    schema: int(0, 400),
    default: "50",
    doc: "How far the JavaScript heap may grow past what survived its last full garbage collection before the next, in percent (`upblit start` only). Lower keeps peak memory down for a little CPU; `0` leaves V8's default (about 300).",
  },
  WASM_OPTIMIZE: {
    schema: bool,
    default: "false",
    doc: "Let V8 recompile hot WebAssembly (the embedded PGlite database) with its optimizing compiler (`upblit start` only). Costs about 40–60 MB more memory and CPU at start-up; no clear gain per query was measured (docs/benchmarks.md). Off: the baseline compiler only.",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    default: "info",
    doc: "pino log level.",
  },
  LOG_FORMAT: {
    schema: z.enum(["auto", "json", "pretty"]),
    default: "auto",
    doc: "`auto`: one readable line per entry when stdout is a terminal, JSON lines (pino) otherwise. `json` or `pretty` force one.",
  },
  UPBLIT_ROLES: {
    schema: z
      .string()
      .transform((s) => s.split(",").map((r) => r.trim()))
      .pipe(z.array(z.enum(["api", "scheduler", "probe", "evaluator", "notifier"])).min(1)),
    default: "api,scheduler,probe,evaluator,notifier",
    doc: "Comma-separated roles this process runs.",
  },
  REGION: {
    schema: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be 1-32 of a-z, 0-9 and -"),
    default: "local",
    doc: "Region this process schedules and probes for.",
  },
  ALLOW_PRIVATE_TARGETS: {
    schema: bool,
    default: "false",
    doc: "Allow monitors to reach loopback, private and link-local addresses. Cloud metadata stays blocked.",
  },
  MIN_INTERVAL_SECONDS: {
    schema: int(1, 86_400),
    default: "10",
    doc: "Shortest check interval a monitor may have (the longest is 86400).",
  },
  PROBE_CONCURRENCY: { schema: int(1, 5_000), default: "200", doc: "Checks run at once by this process." },
  PROBE_THREADS: {
    schema: int(0, 64),
    default: "0",
    doc: "Worker threads that run the checks, beside the main thread (database, scheduler, queue). `0`: checks run on the main thread. Raise it only when checks are due faster than one core keeps up with (docs/operations.md).",
  },
  BROWSER_EXECUTABLE: {
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: "Chromium that browser monitors drive (never downloaded). Unset: `/usr/bin/chromium` when installed; with neither, browser monitors are refused (docs/monitors.md).",
  },
  BROWSER_CONCURRENCY: {
    schema: int(1, 32),
    default: "2",
    doc: "Browser checks one probe process (or probe thread) runs at once; each page costs roughly 40-100 MB besides the shared browser (src/monitor-types/browser/README.md).",
  },
  MAX_BODY_BYTES: {
    schema: int(1_024, 16_777_216),
    default: "1048576",
    doc: "Bytes of a response body read for keyword/json checks (after decompression).",
  },
  API_BODY_LIMIT_BYTES: {
    schema: int(1_024, 10_485_760),
    default: "262144",
    doc: "Largest request body the API accepts.",
  },
  API_RATE_LIMIT_PER_KEY: {
    schema: int(1, 1_000_000),
    default: "600",
    doc: "Requests per minute one API key may make (429 with `Retry-After` beyond). Raise it for bulk imports.",
  },
  API_RATE_LIMIT_PER_USER: {
    schema: int(1, 1_000_000),
    default: "1200",
    doc: "Requests per minute one person may make, over their sessions and API keys together.",
  },
  MAX_MONITORS_PER_ORG: {
    schema: int(1, 1_000_000),
    default: "50000",
    doc: "Monitors one organization may have.",
  },
  RAW_RETENTION_DAYS: { schema: int(1, 3_650), default: "30", doc: "Days raw check results are kept." },
  ROLLUP_RETENTION_DAYS: {
    schema: int(400, 3_650),
    default: "400",
    doc: "Days hourly and daily rollups are kept (at least 400).",
  },
  CANARY_TARGET: {
    schema: z
      .string()
      .regex(/^(https?:\/\/\S+|tcp:\/\/\S+:\d+)$/, "must be an http(s):// URL or tcp://host:port")
      .optional(),
    default: undefined,
    doc: "A target the probe checks to tell its own network failing from targets failing. Unset: no canary.",
  },
  PUBLIC_URL: {
    schema: z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+\/?$/, "must be an http(s):// origin, e.g. https://upblit.example.com")
      .optional(),
    default: undefined,
    doc: "Address people use to reach Upblit, for links in emails and the setup link. Unset: `http://HOST:PORT`. `https://` also marks cookies `Secure`.",
  },
  SECRET_KEY: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    default: undefined,
    doc: "Master secret for signing sessions and encrypting stored secrets. Unset: a random key is generated once in `DATA_DIR/secret.key`. Set it (the same in every process) when running several processes.",
  },
  METRICS_TOKEN: {
    schema: z.string().min(24, "must be at least 24 characters").optional(),
    default: undefined,
    doc: "Bearer token that may read `/metrics` (Prometheus) for every organization. Unset: only API keys with the `metrics:read` scope may, each for its own organization.",
  },
  TRUST_PROXY: {
    schema: bool,
    default: "false",
    doc: "Trust `X-Forwarded-For`/`-Proto` from a reverse proxy for client addresses (audit log, rate limits) and https detection.",
  },
  STATUS_DOMAIN_RESOLVER: {
    schema: z
      .string()
      .regex(
        /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$/,
        "must be an IP address, optionally with a port: 1.1.1.1, 1.1.1.1:53 or [2606:4700::1111]:53",
      )
      .optional(),
    default: undefined,
    doc: "DNS server that checks status page custom domains (the `_upblit-challenge` TXT record). Unset: the system's resolvers.",
  },
  SESSION_MAX_DAYS: {
    schema: int(1, 365),
    default: "30",
    doc: "A login lasts at most this many days, however often its refresh token is used.",
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional(),
    default: undefined,
    doc: "Mail server for invitations, password resets and email changes, e.g. `smtps://user:pass@mail.example.com:465`. Unset: no mail is sent and links are shown to whoever asked.",
  },
  SMTP_FROM: {
    schema: z.string().min(3).max(200),
    default: "Upblit <upblit@localhost>",
    doc: "Sender address of Upblit's mail.",
  },
  REDIS_URL: {
    schema: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
    default: undefined,
    doc: "Redis for state shared by several processes: rate limits, and with `DATABASE_URL` also the job queues (BullMQ) and the live bus, so roles may run as separate processes (docs/scaling.md). Unset: kept in memory.",
  },
  REDIS_PREFIX: {
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "must be 1-40 of A-Z, a-z, 0-9, _ and -"),
    default: "upblit",
    doc: "Prefix of Upblit's queue and live-bus keys in Redis: installations sharing one Redis need different prefixes.",
  },
  NOTIFY_LEASE_SECONDS: {
    schema: int(2, 3_600),
    default: "60",
    doc: "How long a notifier holds a claimed delivery; one that dies mid-send leaves it to another notifier after this long (sent again with the same id). One attempt may take at most half of it (and at most 10 s).",
  },
  NOTIFY_CONCURRENCY: {
    schema: int(1, 1_000),
    default: "16",
    doc: "Deliveries one notifier process sends at once.",
  },
  ALERT_SWEEP_SECONDS: {
    schema: int(1, 3_600),
    default: "30",
    doc: "How often the evaluator looks for reminders and escalation steps that are due (open incidents nobody acknowledged). A reminder or step is sent at most this long after its time.",
  },
  CERT_EXPIRY_WARN_DAYS: {
    schema: z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((d) => d.trim())
          .filter((d) => d !== "")
          .map(Number),
      )
      .pipe(
        z
          .array(z.number().int("must be whole days").min(1, "at least 1 day").max(365, "at most 365 days"))
          .max(5, "at most 5 thresholds")
          .refine((days) => new Set(days).size === days.length, "a threshold is given twice"),
      ),
    default: "30,14,7",
    doc: "Days before a certificate expires (tls and https monitors) to warn at, once each; a monitor's `certExpiryDays` replaces them. Empty: no warnings unless a monitor asks.",
  },
  AUDIT_RETENTION_DAYS: {
    schema: int(1, 3_650),
    default: "365",
    doc: "Days audit log entries are kept.",
  },
  WEB_ROOT: {
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: "Folder of the built dashboard served at `/` (`index.html`, `assets/`). Default: `web/dist` in the package folder (`npm run build:web`).",
  },
  LOST_CHECK_GRACE_SECONDS: {
    schema: int(1, 3_600),
    default: "60",
    doc: "How long past its timeout a scheduled check's result may take to be stored before its slot is recorded `unknown` as lost (its job was lost with Redis or its probe). Longer than the evaluator's worst backlog.",
  },
  SHUTDOWN_TIMEOUT_SECONDS: {
    schema: int(1, 300),
    default: "10",
    doc: "On SIGTERM/SIGINT, how long in-flight checks may take before the process exits.",
  },
} as const;

export type EnvName = keyof typeof ENV_VARS;
