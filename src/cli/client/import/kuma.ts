import type { Declared } from "../config/file.ts";
import { Builder, clampInterval, type Imported } from "./builder.ts";
import { kumaChannel } from "./kuma-channels.ts";

export type Row = Record<string, unknown>;
export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/**
 * Uptime Kuma's JSON backup (Settings → Backup → Export in 1.x: `{ version, notificationList,
 * monitorList }`, each monitor as Kuma's `Monitor.toJSON()` and each notification a row whose
 * `config` is its provider's settings as JSON) as an Upblit config. docs/importing.md#uptime-kuma
 * lists what maps.
 */
export function importKumaBackup(backup: unknown): Imported {
  const data = backup as KumaData;
  if (!data || typeof data !== "object" || (!data.monitorList && !data.notificationList)) {
    throw new Error("not an Uptime Kuma backup: no monitorList or notificationList");
  }
  const b = new Builder();
  addKuma(b, data);
  return b.done();
}

/**
 * Notifications and monitors as a 1.x backup lists them (the 2.x database is read into this
 * shape). A backup holds nothing else that maps (`proxyList` besides): no status pages, no
 * maintenance (Kuma 1.23's server.js, "uploadBackup").
 */
export interface KumaData {
  version?: string;
  notificationList?: Row[];
  monitorList?: Row[] | Record<string, Row>;
}

/**
 * Adds Kuma's notifications as channels and its monitors (each with its own channels) to `b`;
 * answers the key each imported monitor got, by Kuma's monitor id.
 */
export function addKuma(b: Builder, data: KumaData): Map<string, string> {
  const monitorKeys = new Map<string, string>();
  const channelKeys = new Map<string, string>();
  for (const row of data.notificationList ?? []) {
    let config: Row;
    try {
      config = typeof row.config === "string" ? (JSON.parse(row.config) as Row) : ((row.config as Row) ?? {});
    } catch {
      b.skip(`notification "${String(row.name)}": its config is not JSON`);
      continue;
    }
    const name = str(row.name) ?? str(config.name) ?? `notification ${String(row.id)}`;
    const isDefault =
      row.isDefault === true || row.is_default === 1 || row.is_default === true || config.isDefault === true;
    const key = b.key("channels", name);
    const channel = kumaChannel(b, key, name, { ...config, isDefault });
    if (!channel) continue;
    if (row.active === false || row.active === 0)
      b.approx(`notification "${name}": was disabled in Kuma; imported enabled`);
    b.add("channels", channel, `notification "${name}" → channel ${key} (${String(channel.kind)})`);
    channelKeys.set(String(row.id), key);
  }
  const monitors = Array.isArray(data.monitorList) ? data.monitorList : Object.values(data.monitorList ?? {});
  const groups = new Map(
    monitors.filter((m) => m.type === "group").map((m) => [String(m.id), String(m.name)]),
  );
  for (const m of monitors) {
    const monitor = kumaMonitor(b, m, groups);
    if (!monitor) continue;
    const ids = Object.entries((m.notificationIDList as Record<string, boolean>) ?? {})
      .filter(([, on]) => on)
      .map(([id]) => channelKeys.get(id))
      .filter((k): k is string => k !== undefined);
    if (ids.length) monitor.channels = ids;
    b.add("monitors", monitor, `monitor "${String(m.name)}" → ${monitor.key} (${String(monitor.type)})`);
    monitorKeys.set(String(m.id), String(monitor.key));
  }
  return monitorKeys;
}

/** Kuma's monitor types Upblit has no monitor for (the type list of Kuma 2's server). */
const UNSUPPORTED: Record<string, string> = {
  docker: "Docker container",
  steam: "Steam game server",
  gamedig: "GameDig game server",
  "kafka-producer": "Kafka producer",
  sqlserver: "SQL Server",
  mongodb: "MongoDB",
  oracledb: "Oracle Database",
  radius: "RADIUS",
  "tailscale-ping": "Tailscale ping",
  snmp: "SNMP",
  ntp: "NTP",
  globalping: "Globalping (probes run by globalping.io)",
  manual: "manual (status set by hand)",
  pm2: "PM2 process",
  "system-service": "system service (systemd)",
  "sip-options": "SIP OPTIONS",
};

/** Kuma's monitor types this importer maps. */
const SUPPORTED = [
  "http",
  "keyword",
  "json-query",
  "port",
  "ping",
  "dns",
  "push",
  "postgres",
  "mysql",
  "redis",
  "mqtt",
  "rabbitmq",
  "smtp",
  "websocket-upgrade",
  "grpc-keyword",
  "real-browser",
];

function kumaMonitor(b: Builder, m: Row, groups: Map<string, string>): Declared | undefined {
  const name = str(m.name) ?? `monitor ${String(m.id)}`;
  const what = `monitor "${name}" (${String(m.type)})`;
  const type = String(m.type);
  if (type === "group") {
    b.approx(`${what}: Upblit has no group monitors; its monitors carry the tag "group:${name}"`);
    return undefined;
  }
  if (UNSUPPORTED[type] || !SUPPORTED.includes(type)) {
    b.skip(`${what}: Upblit has no ${UNSUPPORTED[type] ?? type} monitor`);
    return undefined;
  }
  const key = b.key("monitors", name);
  const interval = clampInterval(Number(m.interval ?? 60), 20, b, what);
  const out: Declared = { key, name, intervalSeconds: interval };
  if (str(m.description)) out.description = str(m.description);
  const retries = Number(m.maxretries ?? 0);
  if (retries > 0) out.failuresBeforeDown = Math.min(retries + 1, 20);
  const timeout = Number(m.timeout);
  if (timeout > 0 && timeout * 1000 < interval * 1000)
    out.timeoutMs = Math.max(100, Math.min(Math.round(timeout * 1000), 120_000));
  if (m.active === false || m.active === 0) out.paused = true;
  const tags = tagsOf(m, groups);
  if (tags.length) out.tags = tags;
  if (m.upsideDown === true)
    b.approx(`${what}: "upside down" mode is not supported; imported as a normal check`);
  if (Number(m.resendInterval) > 0)
    b.approx(`${what}: resend every ${String(m.resendInterval)} beats → use an alert rule's reminderMinutes`);

  const hostPort = (port: unknown) => joinHostPort(String(m.hostname ?? ""), port);
  switch (type) {
    case "http":
    case "keyword":
    case "json-query":
      return httpLike(b, m, out, what, type);
    case "port":
      return { ...out, type: "tcp", target: hostPort(m.port) };
    case "dns": {
      const resolver = str(m.dns_resolve_server);
      const port = Number(m.port ?? 53);
      const recordType = String(m.dns_resolve_type ?? "A");
      if (!["A", "AAAA", "CNAME", "MX", "TXT", "NS"].includes(recordType)) {
        b.skip(`${what}: Upblit's dns monitor has no ${recordType} records`);
        return undefined;
      }
      return {
        ...out,
        type: "dns",
        target: String(m.hostname ?? ""),
        dns: {
          recordType,
          ...(resolver ? { resolver: port && port !== 53 ? `${resolver}:${port}` : resolver } : {}),
        },
      };
    }
    case "push": {
      b.approx(
        `${what}: a heartbeat expecting a ping every ${interval}s (grace ${Math.max(interval, 60)}s); it gets a new ping URL /ping/<token>`,
      );
      const { intervalSeconds: _i, timeoutMs: _t, failuresBeforeDown: _f, ...rest } = out;
      return {
        ...rest,
        type: "heartbeat",
        heartbeat: { periodSeconds: Math.max(interval, 60), graceSeconds: Math.max(interval, 60) },
      } as Declared;
    }
    case "mqtt":
      if (str(m.mqttSuccessMessage))
        b.approx(`${what}: the expected message "${String(m.mqttSuccessMessage)}" is not checked`);
      return {
        ...out,
        type: "mqtt",
        target: hostPort(m.port ?? 1883),
        mqtt: {
          topic: String(m.mqttTopic ?? ""),
          ...(str(m.mqttUsername) ? { username: str(m.mqttUsername) } : {}),
          ...(str(m.mqttPassword)
            ? { password: b.secret(String(m.mqttPassword), "UPBLIT", key, "password") }
            : {}),
        },
      };
    case "ping":
      return pingMonitor(b, m, out, what);
    case "smtp":
      return smtpMonitor(b, m, out, what);
    case "websocket-upgrade":
      return websocketMonitor(b, m, out, what);
    case "grpc-keyword":
      return grpcMonitor(b, m, out, what);
    case "real-browser":
      return browserMonitor(b, m, out, what);
    case "rabbitmq":
      return rabbitmqMonitor(b, m, out, what);
    default:
      return databaseMonitor(b, m, out, what, type as "postgres" | "mysql" | "redis");
  }
}

/** `host:port`, an IPv6 address in brackets (as Upblit's targets take it). */
function joinHostPort(host: string, port: unknown): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `${h}:${String(port)}`;
}

/**
 * `ping` → `icmp`: Kuma's echo count (`ping_count`, 1 by default, up to 100) within Upblit's 10;
 * its deadline is the monitor's `timeout`, as Upblit's. Up when any reply comes, in both.
 */
function pingMonitor(b: Builder, m: Row, out: Declared, what: string): Declared | undefined {
  const host = str(m.hostname);
  if (!host) {
    b.skip(`${what}: it has no hostname`);
    return undefined;
  }
  const asked = Math.round(Number(m.ping_count ?? 1)) || 1;
  const count = Math.min(Math.max(asked, 1), 10);
  if (asked > 10) b.approx(`${what}: ${asked} echo requests lowered to 10 (Upblit's most)`);
  const size = Number(m.packetSize ?? 56);
  if (size !== 56)
    b.approx(`${what}: packet size ${size} not imported (Upblit sends the system ping's 56 bytes)`);
  const perReply = m.ping_per_request_timeout;
  if (perReply !== undefined && perReply !== null && Number(perReply) !== 2)
    b.approx(
      `${what}: the per-reply timeout (${String(perReply)}s) is not imported; the check's timeout covers all replies`,
    );
  return { ...out, type: "icmp", target: host.replace(/^\[|\]$/g, ""), icmp: { count } };
}

/**
 * `smtp` → `smtp` (banner and EHLO): Kuma's `smtpSecurity` "secure" → `tls`, "starttls" →
 * `startTls`, "nostarttls" → neither. Without a setting Kuma (nodemailer) upgraded when the server
 * offered STARTTLS; Upblit then stays in plain text (reported).
 */
function smtpMonitor(b: Builder, m: Row, out: Declared, what: string): Declared | undefined {
  const host = str(m.hostname);
  if (!host) {
    b.skip(`${what}: it has no hostname`);
    return undefined;
  }
  const security = str(m.smtpSecurity);
  if (!security)
    b.approx(
      `${what}: Kuma used STARTTLS when the server offered it; imported without it (set smtp.startTls to require it)`,
    );
  const smtp: Record<string, unknown> = {};
  if (security === "secure") smtp.tls = true;
  if (security === "starttls") smtp.startTls = true;
  return { ...out, type: "smtp", target: joinHostPort(host, Number(m.port) || 25), smtp };
}

/**
 * `websocket-upgrade` → `websocket`: the URL, subprotocols (`wsSubprotocol`, comma-separated),
 * `ignoreTls`. Kuma is up when the close code is an accepted one (1000 by default); Upblit
 * expects the upgrade (101) and closes cleanly itself. Headers and credentials are not sent.
 */
function websocketMonitor(b: Builder, m: Row, out: Declared, what: string): Declared | undefined {
  let url: URL;
  try {
    url = new URL(String(m.url ?? ""));
  } catch {
    b.skip(`${what}: its URL ${String(m.url)} is not a URL`);
    return undefined;
  }
  if ((url.protocol !== "ws:" && url.protocol !== "wss:") || !url.hostname) {
    b.skip(`${what}: its URL ${String(m.url)} is not a ws:// or wss:// URL`);
    return undefined;
  }
  if (url.username || url.password) {
    b.approx(`${what}: the credentials in its URL are left out (Upblit sends none)`);
    url.username = "";
    url.password = "";
  }
  const websocket: Record<string, unknown> = {};
  const subprotocols = String(m.wsSubprotocol ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (subprotocols.length) websocket.subprotocols = subprotocols.slice(0, 8);
  if (m.ignoreTls === true) websocket.verifyTls = false;
  const codes = Array.isArray(m.accepted_statuscodes) ? m.accepted_statuscodes.map(String) : ["1000"];
  if (codes.length && !(codes.length === 1 && codes[0] === "1000"))
    b.approx(
      `${what}: accepted close codes ${codes.join(", ")} not imported; Upblit is up on the upgrade (101) and a clean close`,
    );
  if (str(m.headers)) b.approx(`${what}: its headers are not sent (Upblit's websocket monitor sends none)`);
  if (str(m.authMethod) && m.authMethod !== "none")
    b.approx(`${what}: ${String(m.authMethod)} authentication is not supported; left out`);
  if (m.wsIgnoreSecWebsocketAcceptHeader === true)
    b.approx(`${what}: Upblit checks the Sec-WebSocket-Accept header that Kuma was told to ignore`);
  return { ...out, type: "websocket", target: url.href, websocket };
}

/** The standard health service, in the names Kuma's protobuf lookup takes. */
const HEALTH_SERVICES = ["grpc.health.v1.Health", "Health"];

/**
 * `grpc-keyword` → `grpc`: Kuma calls any unary method (`grpcServiceName`/`grpcMethod`, described by
 * `grpcProtobuf`, with `grpcBody`) and looks for `keyword` in the JSON answer; Upblit calls the
 * standard health check (grpc.health.v1.Health/Check) at `grpcUrl` and is up when it answers
 * SERVING. The address and `grpcEnableTls` map; a Kuma monitor of the health method keeps its
 * service (from the body). Every other keyword check is reported.
 */
function grpcMonitor(b: Builder, m: Row, out: Declared, what: string): Declared | undefined {
  const tls = m.grpcEnableTls === true;
  const raw = String(m.grpcUrl ?? "")
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/{2,3}/i, "")
    .replace(/\/.*$/, "");
  const parts = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(raw);
  if (!parts) {
    b.skip(`${what}: its gRPC address ${String(m.grpcUrl)} is not host:port`);
    return undefined;
  }
  const host = parts[1] ?? parts[2] ?? "";
  const port = parts[3] ?? "443";
  if (!parts[3]) b.approx(`${what}: its gRPC address has no port; 443 assumed`);
  const serviceName = String(m.grpcServiceName ?? "");
  const method = String(m.grpcMethod ?? "");
  const isHealth = HEALTH_SERVICES.includes(serviceName) && method.toLowerCase() === "check";
  let service = "";
  if (isHealth) {
    try {
      const body = JSON.parse(String(m.grpcBody ?? "{}")) as { service?: unknown };
      if (typeof body.service === "string" && /^[A-Za-z0-9_.\-/]{0,256}$/.test(body.service))
        service = body.service;
    } catch {
      // An unreadable body asks about the whole server.
    }
  }
  const keyword = String(m.keyword ?? "");
  const invert = m.invertKeyword === true;
  if (!isHealth) {
    b.approx(
      `${what}: calls the standard health check (grpc.health.v1.Health/Check) instead of ${serviceName}/${method}; up when SERVING, the keyword "${keyword}"${invert ? " (inverted)" : ""} is not checked`,
    );
  } else if (invert || !["", "SERVING"].includes(keyword)) {
    b.approx(
      `${what}: the keyword "${keyword}"${invert ? " (inverted)" : ""} is not checked; up when the service is SERVING`,
    );
  }
  if (str(m.grpcMetadata) && str(m.grpcMetadata) !== "{}")
    b.approx(`${what}: its gRPC metadata is not sent (Upblit's grpc monitor sends none)`);
  return {
    ...out,
    type: "grpc",
    target: joinHostPort(host, port),
    grpc: { ...(service ? { service } : {}), ...(tls ? { tls: true } : {}) },
  };
}

/**
 * `real-browser` → `browser`: the page loaded in Chromium until the network is idle, as Kuma
 * loads it; up on a 2xx/3xx page in both. A remote browser and the screenshot delay are reported.
 */
function browserMonitor(b: Builder, m: Row, out: Declared, what: string): Declared | undefined {
  const url = String(m.url ?? "");
  if (!/^https?:\/\/[^/]/i.test(url)) {
    b.skip(`${what}: its URL ${url} is not an http:// or https:// URL`);
    return undefined;
  }
  if (m.remote_browser !== undefined && m.remote_browser !== null)
    b.approx(`${what}: ran in a remote browser in Kuma; Upblit runs the server's Chromium`);
  if (Number(m.screenshot_delay ?? 0) > 0)
    b.approx(`${what}: the screenshot delay (${String(m.screenshot_delay)} ms) is not imported`);
  return { ...out, type: "browser", target: url, browser: { waitUntil: "networkidle" } };
}

/**
 * `rabbitmq` → `rabbitmq`: Kuma asks the management API of each node (`rabbitmqNodes`, up when
 * one answers without alarms); Upblit logs in over AMQP. The first node's host becomes the
 * target at AMQP's port (5672, or 5671 with TLS when the node's URL is https), with Kuma's user
 * on the virtual host "/" (reported).
 */
function rabbitmqMonitor(b: Builder, m: Row, out: Declared, what: string): Declared | undefined {
  let nodes: unknown = m.rabbitmqNodes;
  if (typeof nodes === "string") {
    try {
      nodes = JSON.parse(nodes);
    } catch {
      nodes = [];
    }
  }
  const list = Array.isArray(nodes) ? nodes.map(String).filter((n) => n.trim() !== "") : [];
  let node: URL;
  try {
    node = new URL(list[0] ?? "");
  } catch {
    b.skip(`${what}: it has no node URL`);
    return undefined;
  }
  const username = str(m.rabbitmqUsername);
  if (!username) {
    b.skip(`${what}: it has no username (Upblit's rabbitmq monitor logs in)`);
    return undefined;
  }
  const tls = node.protocol === "https:";
  const port = tls ? 5671 : 5672;
  const target = joinHostPort(node.hostname.replace(/^\[|\]$/g, ""), port);
  b.approx(
    `${what}: Kuma asked the management API at ${node.origin} for alarms; Upblit logs in over AMQP at ${target} on the virtual host "/" (check the port and the user's access)`,
  );
  if (list.length > 1) b.approx(`${what}: only the first of its ${list.length} nodes is checked`);
  const rabbitmq: Record<string, unknown> = { username };
  if (str(m.rabbitmqPassword))
    rabbitmq.password = b.secret(String(m.rabbitmqPassword), "UPBLIT", out.key, "password");
  if (tls) rabbitmq.tls = true;
  return { ...out, type: "rabbitmq", target, rabbitmq };
}

function tagsOf(m: Row, groups: Map<string, string>): string[] {
  const tags = Array.isArray(m.tags)
    ? (m.tags as Row[]).map((t) => (str(t.value) ? `${String(t.name)}:${String(t.value)}` : String(t.name)))
    : [];
  const group = m.parent !== null && m.parent !== undefined ? groups.get(String(m.parent)) : undefined;
  if (group) tags.push(`group:${group}`);
  return [...new Set(tags)].map((t) => t.slice(0, 50)).slice(0, 20);
}

function httpLike(b: Builder, m: Row, out: Declared, what: string, type: string): Declared | undefined {
  const http: Record<string, unknown> = { method: String(m.method ?? "GET").toUpperCase() };
  if (str(m.headers)) {
    try {
      http.headers = JSON.parse(String(m.headers)) as Record<string, string>;
    } catch {
      b.approx(`${what}: its headers are not JSON and were left out`);
    }
  }
  if (str(m.body)) http.body = String(m.body);
  if (m.ignoreTls === true) http.verifyTls = false;
  const redirects = Number(m.maxredirects ?? 10);
  if (redirects === 0) http.followRedirects = false;
  else http.maxRedirects = Math.min(redirects, 10);
  if (m.authMethod === "basic" && str(m.basic_auth_user)) {
    http.auth = {
      type: "basic",
      username: String(m.basic_auth_user),
      password: b.secret(String(m.basic_auth_pass ?? ""), "UPBLIT", out.key, "http_password"),
    };
  } else if (str(m.authMethod)) {
    b.approx(`${what}: ${String(m.authMethod)} authentication is not supported; left out`);
  }
  const assertions = statusAssertions(m.accepted_statuscodes, b, what);
  if (assertions.length) out.assertions = assertions;
  if (m.expiryNotification === true) out.certExpiryDays = [21, 14, 7];
  const base = { ...out, target: String(m.url ?? ""), http };
  if (type === "keyword") {
    return {
      ...base,
      type: "keyword",
      keyword: {
        keyword: String(m.keyword ?? ""),
        mode: m.invertKeyword ? "notContains" : "contains",
        caseSensitive: true,
      },
    };
  }
  if (type === "json-query") {
    const expr = String(m.jsonPath ?? "");
    if (!/^[A-Za-z_$][\w.[\]$]*$/.test(expr)) {
      b.skip(`${what}: the JSONata expression ${expr} has no JSON path equivalent`);
      return undefined;
    }
    const path = expr.startsWith("$") ? expr : `$.${expr}`;
    const op = String(m.jsonPathOperator ?? "==");
    b.approx(`${what}: the JSONata expression ${expr} became the JSON path ${path}`);
    const expected =
      m.expectedValue === undefined || m.expectedValue === null ? undefined : String(m.expectedValue);
    return {
      ...base,
      type: "json",
      json: {
        path,
        op: ["==", "!=", "<", ">", "contains"].includes(op) ? op : "==",
        ...(expected !== undefined ? { expected } : {}),
      },
    };
  }
  return { ...base, type: "http" };
}

/** Kuma's accepted status codes ("200-299", "301", …) as status assertions. */
function statusAssertions(codes: unknown, b: Builder, what: string): Declared["assertions"] & unknown[] {
  const list = Array.isArray(codes) ? codes.map(String) : [];
  if (list.length === 0 || (list.length === 1 && list[0] === "200-299")) return [];
  const ranges = list.map((c) => c.split("-").map(Number) as [number, number?]);
  if (ranges.length === 1 && ranges[0]![1] !== undefined) {
    return [
      { subject: "status", op: ">=", value: ranges[0]![0] },
      { subject: "status", op: "<=", value: ranges[0]![1] },
    ];
  }
  if (ranges.every((r) => r[1] === undefined)) {
    return [{ subject: "status", op: "in", value: ranges.map((r) => r[0]) }];
  }
  const low = Math.min(...ranges.map((r) => r[0]));
  const high = Math.max(...ranges.map((r) => r[1] ?? r[0]));
  b.approx(`${what}: accepted codes ${list.join(", ")} widened to ${low}-${high}`);
  return [
    { subject: "status", op: ">=", value: low },
    { subject: "status", op: "<=", value: high },
  ];
}

function databaseMonitor(
  b: Builder,
  m: Row,
  out: Declared,
  what: string,
  type: "postgres" | "mysql" | "redis",
): Declared | undefined {
  let url: URL;
  try {
    url = new URL(String(m.databaseConnectionString ?? ""));
  } catch {
    b.skip(`${what}: its connection string is not a URL`);
    return undefined;
  }
  const port = url.port || { postgres: "5432", mysql: "3306", redis: "6379" }[type];
  const block: Record<string, unknown> = {};
  if (url.username) block.username = decodeURIComponent(url.username);
  if (url.password)
    block.password = b.secret(decodeURIComponent(url.password), "UPBLIT", out.key, "password");
  const db = url.pathname.replace(/^\//, "");
  if (type === "redis") {
    if (db && /^\d+$/.test(db)) block.database = Number(db);
    if (url.protocol === "rediss:") block.tls = true;
  } else {
    if (db) block.database = decodeURIComponent(db);
    if (str(m.databaseQuery)) block.query = String(m.databaseQuery);
  }
  return { ...out, type, target: `${url.hostname}:${port}`, [type]: block };
}
