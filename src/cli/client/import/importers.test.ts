import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { monitorDefinitionSchema } from "../../../api/routes/monitors/schemas.ts";
import { CHANNEL_ADAPTERS } from "../../../notify/channels/index.ts";
import { type ConfigFile, missingEnv, resolveEnv } from "../config/file.ts";
import type { Imported } from "./builder.ts";
import { importGatus } from "./gatus.ts";
import { importHealthchecks } from "./healthchecks.ts";
import { importKumaBackup } from "./kuma.ts";
import { expectNewTypes } from "./kuma-types.test-support.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const definition = monitorDefinitionSchema({ minIntervalSeconds: 10 }, "default");

/**
 * Every imported monitor and channel is what the server accepts (its own schemas), once the
 * secrets are resolved; the file itself holds no secret value, and every reference is declared.
 */
function expectValid(imported: Imported): ConfigFile {
  const text = stringify(imported.config);
  for (const value of imported.secrets.values()) expect(text).not.toContain(value);
  const env = Object.fromEntries(imported.secrets);
  expect(missingEnv(imported.config, env)).toEqual([]);
  const config = resolveEnv(imported.config, env);
  const channelKeys = new Set(config.channels.map((c) => c.key));
  for (const { key: _key, kind, config: settings, secrets, ...rest } of config.channels) {
    const adapter = CHANNEL_ADAPTERS.get(String(kind));
    expect(adapter, String(kind)).toBeDefined();
    expect(() => adapter!.config.parse(settings ?? {}), `${String(kind)} config`).not.toThrow();
    expect(() => adapter!.secrets.parse(secrets ?? {}), `${String(kind)} secrets`).not.toThrow();
    expect(Object.keys(rest).every((k) => ["name", "isDefault"].includes(k))).toBe(true);
  }
  for (const { key, channels, ...monitor } of config.monitors) {
    const parsed = definition.safeParse(monitor);
    expect(parsed.success, `${key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    for (const c of (channels as string[] | undefined) ?? []) expect(channelKeys.has(c), c).toBe(true);
  }
  return config;
}

const byKey = (list: Array<{ key: string }>) =>
  Object.fromEntries(list.map((i) => [i.key, i])) as Record<string, Record<string, unknown>>;

describe("upblit import kuma (Uptime Kuma 1.x JSON backup)", () => {
  const imported = importKumaBackup(JSON.parse(fixture("kuma-backup.json")));

  it("maps every notification Upblit has a kind for, with secrets kept out of the file", () => {
    const config = expectValid(imported);
    const kinds = config.channels.map((c) => c.kind).sort();
    expect(kinds).toEqual(
      [
        "discord",
        "email",
        "googlechat",
        "gotify",
        "matrix",
        "mattermost",
        "ntfy",
        "opsgenie",
        "pagerduty",
        "pushover",
        "slack",
        "teams",
        "telegram",
        "webhook",
      ].sort(),
    );
    const channels = byKey(imported.config.channels);
    expect(channels["ops-slack"]).toEqual({
      key: "ops-slack",
      name: "Ops Slack",
      isDefault: true,
      kind: "slack",
      secrets: { webhookUrl: `\${UPBLIT_OPS_SLACK_WEBHOOK_URL}` },
    });
    expect(imported.secrets.get("UPBLIT_OPS_SLACK_WEBHOOK_URL")).toBe(
      "https://hooks.slack.com/services/T000/B000/XXXX",
    );
    expect(channels["telegram-on-call"]!.config).toEqual({ chatId: "-100123456", messageThreadId: 7 });
    expect(channels["mail-ops"]!.config).toEqual({ to: ["ops@example.com", "oncall@example.com"] });
    expect(channels["opsgenie-eu"]!.config).toEqual({ apiUrl: "https://api.eu.opsgenie.com" });
    expect(imported.report.skipped).toContain('notification "Signal" (signal): Upblit has no signal channel');
  });

  it("maps monitors of every type Upblit has, and reports the rest", () => {
    const monitors = byKey(imported.config.monitors);
    expect(Object.keys(monitors).sort()).toEqual(
      [
        "admin-api",
        "checkout-page",
        "dns-example.com",
        "gateway-ping",
        "health-json",
        "inventory-grpc",
        "live-feed",
        "mail-server",
        "mqtt-broker",
        "mysql",
        "nightly-backup",
        "orders-grpc",
        "postgres",
        "rabbitmq",
        "redis",
        "ssh",
        "status-text",
        "website",
      ].sort(),
    );
    expect(monitors.website).toMatchObject({
      type: "http",
      target: "https://www.example.com/",
      intervalSeconds: 30,
      timeoutMs: 24_000,
      failuresBeforeDown: 3,
      tags: ["prod", "region:eu"],
      certExpiryDays: [21, 14, 7],
      channels: ["ops-slack", "telegram-on-call"],
    });
    expect(monitors["admin-api"]).toMatchObject({
      http: {
        method: "POST",
        headers: { "X-Api-Version": "2" },
        body: '{"ping":true}',
        verifyTls: false,
        followRedirects: false,
        auth: { type: "basic", username: "monitor", password: `\${UPBLIT_ADMIN_API_HTTP_PASSWORD}` },
      },
      assertions: [
        { subject: "status", op: ">=", value: 200 },
        { subject: "status", op: "<=", value: 401 },
      ],
      channels: ["deploy-hook"],
    });
    expect(monitors["status-text"]).toMatchObject({
      type: "keyword",
      keyword: { keyword: "maintenance", mode: "notContains" },
    });
    expect(monitors["health-json"]).toMatchObject({
      type: "json",
      json: { path: "$.status", op: "==", expected: "ok" },
    });
    expect(monitors.ssh).toMatchObject({
      type: "tcp",
      target: "bastion.example.com:22",
      tags: ["group:Backend"],
    });
    expect(monitors["dns-example.com"]).toMatchObject({
      type: "dns",
      dns: { recordType: "AAAA", resolver: "9.9.9.9" },
    });
    expect(monitors["nightly-backup"]).toMatchObject({
      type: "heartbeat",
      heartbeat: { periodSeconds: 86_400 },
    });
    expect(monitors.postgres).toMatchObject({
      type: "postgres",
      target: "db.example.com:5433",
      postgres: {
        username: "monitor",
        password: `\${UPBLIT_POSTGRES_PASSWORD}`,
        database: "app",
        query: "SELECT 1",
      },
    });
    expect(imported.secrets.get("UPBLIT_POSTGRES_PASSWORD")).toBe("pg@pass");
    expect(monitors.redis).toMatchObject({
      type: "redis",
      target: "cache.example.com:6380",
      redis: { database: 2 },
    });
    expect(monitors["mqtt-broker"]).toMatchObject({
      type: "mqtt",
      paused: true,
      mqtt: { topic: "sensors/health", username: "kuma" },
    });
    expectNewTypes(monitors, imported);
    expect(imported.report.approximate.join("\n")).toMatch(/group monitors/);
    expect(imported.report.approximate.join("\n")).toMatch(/accepted codes 200-299, 401 widened to 200-401/);
  });

  it("reports what the newer types lose, and still makes valid monitors", () => {
    const row = (id: number, type: string, fields: Record<string, unknown>) => ({
      id,
      name: `${type} ${id}`,
      type,
      interval: 60,
      active: true,
      ...fields,
    });
    const edge = importKumaBackup({
      monitorList: [
        row(1, "ping", {
          hostname: "2001:db8::1",
          ping_count: 50,
          packetSize: 1200,
          ping_per_request_timeout: 5,
        }),
        row(2, "smtp", { hostname: "mx.example.com", port: null, smtpSecurity: null }),
        row(3, "smtp", { hostname: "mx.example.com", port: 465, smtpSecurity: "secure" }),
        row(4, "websocket-upgrade", {
          url: "wss://user:pw@ws.example.com/live",
          accepted_statuscodes: ["1000", "1001"],
          authMethod: "bearer",
          headers: '{"X-Key": "1"}',
          wsIgnoreSecWebsocketAcceptHeader: true,
          ignoreTls: true,
        }),
        row(5, "websocket-upgrade", { url: "https://not-a-socket.example.com/" }),
        row(6, "grpc-keyword", {
          grpcUrl: "grpcs://api.example.com",
          grpcServiceName: "grpc.health.v1.Health",
          grpcMethod: "Check",
          grpcBody: "{}",
          grpcMetadata: '{"authorization": "x"}',
          grpcEnableTls: true,
          keyword: "SERVING",
          invertKeyword: true,
        }),
        row(7, "real-browser", { url: "https://app.example.com/", remote_browser: 2, screenshot_delay: 500 }),
        row(8, "rabbitmq", { rabbitmqNodes: '["http://mq.example.com:15672"]', rabbitmqUsername: null }),
        row(9, "rabbitmq", { rabbitmqNodes: '["http://mq.example.com:15672"]', rabbitmqUsername: "guest" }),
        row(10, "sqlserver", { databaseConnectionString: "Server=db;Database=app" }),
      ],
    });
    expectValid(edge);
    const monitors = byKey(edge.config.monitors);
    expect(monitors["ping-1"]).toMatchObject({ type: "icmp", target: "2001:db8::1", icmp: { count: 10 } });
    expect(monitors["smtp-2"]).toMatchObject({ target: "mx.example.com:25", smtp: {} });
    expect(monitors["smtp-3"]).toMatchObject({ target: "mx.example.com:465", smtp: { tls: true } });
    expect(monitors["websocket-upgrade-4"]).toMatchObject({
      target: "wss://ws.example.com/live",
      websocket: { verifyTls: false },
    });
    expect(monitors["grpc-keyword-6"]).toMatchObject({ target: "api.example.com:443", grpc: { tls: true } });
    expect(monitors["real-browser-7"]).toMatchObject({ type: "browser", target: "https://app.example.com/" });
    expect(monitors["rabbitmq-9"]).toMatchObject({
      target: "mq.example.com:5672",
      rabbitmq: { username: "guest" },
    });
    expect(monitors["rabbitmq-9"]!.rabbitmq).not.toHaveProperty("password");
    const report = edge.report.approximate.join("\n");
    expect(report).toMatch(/"ping 1" \(ping\): 50 echo requests lowered to 10/);
    expect(report).toMatch(/packet size 1200 not imported/);
    expect(report).toMatch(/per-reply timeout \(5s\) is not imported/);
    expect(report).toMatch(/"smtp 2" \(smtp\): Kuma used STARTTLS when the server offered it/);
    expect(report).not.toMatch(/"smtp 3"/);
    expect(report).toMatch(/credentials in its URL are left out/);
    expect(report).toMatch(/accepted close codes 1000, 1001 not imported/);
    expect(report).toMatch(/its headers are not sent/);
    expect(report).toMatch(/bearer authentication is not supported/);
    expect(report).toMatch(/Sec-WebSocket-Accept/);
    expect(report).toMatch(/"grpc-keyword 6" \(grpc-keyword\): its gRPC address has no port; 443 assumed/);
    expect(report).toMatch(/the keyword "SERVING" \(inverted\) is not checked/);
    expect(report).toMatch(/gRPC metadata is not sent/);
    expect(report).toMatch(/remote browser/);
    expect(report).toMatch(/screenshot delay \(500 ms\)/);
    expect(edge.report.skipped).toEqual([
      'monitor "websocket-upgrade 5" (websocket-upgrade): its URL https://not-a-socket.example.com/ is not a ws:// or wss:// URL',
      'monitor "rabbitmq 8" (rabbitmq): it has no username (Upblit\'s rabbitmq monitor logs in)',
      'monitor "sqlserver 10" (sqlserver): Upblit has no SQL Server monitor',
    ]);
  });

  it("refuses a file that is no Kuma backup", () => {
    expect(() => importKumaBackup({ hello: 1 })).toThrow(/not an Uptime Kuma backup/);
  });
});

describe("upblit import gatus (config.yaml)", () => {
  const imported = importGatus(fixture("gatus-config.yaml"));

  it("maps providers to channels and endpoints to monitors with assertions", () => {
    const config = expectValid(imported);
    expect(config.channels.map((c) => c.kind).sort()).toEqual(
      [
        "discord",
        "email",
        "googlechat",
        "gotify",
        "matrix",
        "mattermost",
        "ntfy",
        "opsgenie",
        "pagerduty",
        "pushover",
        "slack",
        "teams",
        "telegram",
        "webhook",
      ].sort(),
    );
    const monitors = byKey(imported.config.monitors);
    expect(monitors.website).toEqual({
      key: "website",
      name: "website",
      type: "http",
      target: "https://www.example.com/",
      intervalSeconds: 30,
      tags: ["group:core"],
      assertions: [
        { subject: "status", op: "==", value: 200 },
        { subject: "latency.total", op: "<", value: 500 },
        { subject: "cert.daysLeft", op: ">", value: 2 },
      ],
      channels: ["slack", "pagerduty"],
      failuresBeforeDown: 3,
      successesBeforeUp: 3,
    });
    expect(monitors["api-health"]).toMatchObject({
      type: "json",
      timeoutMs: 5000,
      http: {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: '{"deep": true}',
        verifyTls: false,
      },
      assertions: [
        { subject: "status", op: "in", value: [200, 204] },
        { subject: "json", path: "$.status", op: "==", value: "UP" },
        { subject: "json", path: "$.checks.db.latency", op: "<", value: 100 },
        { subject: "json", path: "$.errors", op: "notExists" },
      ],
    });
    expect(monitors["home-page-text"]).toMatchObject({
      assertions: [{ subject: "body", op: "contains", value: "Welcome" }],
    });
    expect(monitors["postgres-port"]).toMatchObject({
      type: "tcp",
      target: "db.example.com:5432",
      intervalSeconds: 120,
    });
    expect(monitors["tls-expiry"]).toMatchObject({
      type: "tls",
      assertions: [{ subject: "cert.daysLeft", op: ">", value: 30 }],
    });
    expect(monitors.dns).toMatchObject({
      type: "dns",
      target: "example.com",
      dns: { recordType: "A", resolver: "8.8.8.8", expected: ["93.184.216.34"] },
    });
    expect(monitors["disabled-one"]).toMatchObject({ paused: true });
    expect(monitors["nightly-backup"]).toMatchObject({
      type: "heartbeat",
      heartbeat: { periodSeconds: 86_400 },
      channels: ["slack"],
    });
    expect(imported.config.maintenanceWindows).toEqual([
      {
        key: "gatus-maintenance",
        title: "Maintenance (from Gatus)",
        tags: [],
        schedule: {
          type: "recurring",
          timezone: "Europe/Amsterdam",
          startTime: "23:00",
          durationMinutes: 60,
          weekly: { days: ["mon", "thu"] },
        },
      },
    ]);
    const report = [...imported.report.skipped, ...imported.report.approximate].join("\n");
    expect(report).toMatch(/condition "len\(\[BODY\]\.items\) > 0" has no Upblit assertion/);
    expect(report).toMatch(/endpoint "router": Upblit has no icmp checks/);
    expect(report).toMatch(/alerting provider twilio: Upblit has no twilio channel/);
    expect(report).toMatch(/alert to twilio/);
  });
});

describe("upblit import healthchecks (API v3 checks)", () => {
  const imported = importHealthchecks(JSON.parse(fixture("healthchecks-checks.json")));

  it("makes heartbeats that keep the checks' ping URLs, and reports what differs", () => {
    expectValid(imported);
    const monitors = byKey(imported.config.monitors);
    expect(monitors["nightly-backup"]).toEqual({
      key: "nightly-backup",
      name: "Nightly backup",
      type: "heartbeat",
      description: "pg_dump to S3",
      tags: ["prod", "backup"],
      heartbeat: {
        graceSeconds: 3600,
        cron: "0 3 * * *",
        timezone: "Europe/Berlin",
        token: `\${UPBLIT_NIGHTLY_BACKUP_TOKEN}`,
      },
    });
    expect(imported.secrets.get("UPBLIT_NIGHTLY_BACKUP_TOKEN")).toBe("5c1e7d8e-3a5b-4c7e-9f0a-1b2c3d4e5f60");
    expect(monitors["queue-worker-heartbeat"]).toMatchObject({
      heartbeat: { periodSeconds: 300, graceSeconds: 300 },
    });
    expect(monitors["hourly-sync"]).toMatchObject({ heartbeat: { periodSeconds: 3600 } });
    expect(monitors["hourly-sync"]!.heartbeat).not.toHaveProperty("token");
    expect(monitors["weekly-report"]).toBeUndefined();
    const report = [...imported.report.skipped, ...imported.report.approximate].join("\n");
    expect(report).toMatch(/OnCalendar schedule "Mon \*-\*-\* 06:00:00"/);
    expect(report).toMatch(/keyword filters \(OK, FAIL\)/);
    expect(report).toMatch(/manual resume/);
    expect(report).toMatch(/integrations/);
  });
});
