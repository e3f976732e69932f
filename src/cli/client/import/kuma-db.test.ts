import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { CreateWindowBody } from "../../../api/routes/maintenance/schemas.ts";
import { monitorDefinitionSchema } from "../../../api/routes/monitors/schemas.ts";
import { CreateStatusPageBody } from "../../../api/routes/status-pages/schemas.ts";
import { CHANNEL_ADAPTERS } from "../../../notify/channels/index.ts";
import { missingEnv, resolveEnv } from "../config/file.ts";
import { importKumaBackup } from "./kuma.ts";
import { kumaDatabase } from "./kuma-db.test-support.ts";
import { importKumaDatabase, isSqlite } from "./kuma-db.ts";
import { expectNewTypes } from "./kuma-types.test-support.ts";

const definition = monitorDefinitionSchema({ minIntervalSeconds: 10 }, "default");
const byKey = (list: Array<{ key: string }>) =>
  Object.fromEntries(list.map((i) => [i.key, i])) as Record<string, Record<string, unknown>>;

describe("upblit import kuma (Uptime Kuma 2.x kuma.db)", async () => {
  const bytes = await kumaDatabase();
  const imported = await importKumaDatabase(bytes);
  const env = Object.fromEntries(imported.secrets);
  const config = resolveEnv(imported.config, env);

  it("reads the database as the JSON importer reads a backup: the same channels and monitors", () => {
    expect(isSqlite(bytes)).toBe(true);
    expect(stringify(imported.config)).not.toContain("s3cret");
    expect(missingEnv(imported.config, env)).toEqual([]);
    for (const { key: _k, kind, config: settings, secrets } of config.channels) {
      const adapter = CHANNEL_ADAPTERS.get(String(kind))!;
      expect(() => adapter.config.parse(settings ?? {}), String(kind)).not.toThrow();
      expect(() => adapter.secrets.parse(secrets ?? {}), String(kind)).not.toThrow();
    }
    // The 1.x fixture's notifications are these rows: the two importers agree on them.
    const fromJson = importKumaBackup({
      notificationList: (
        JSON.parse(readFileSync(new URL("./fixtures/kuma-backup.json", import.meta.url), "utf8")) as {
          notificationList: unknown[];
        }
      ).notificationList,
      monitorList: [],
    });
    expect(imported.config.channels).toEqual(fromJson.config.channels);
    for (const { key, channels: _c, ...monitor } of config.monitors) {
      const parsed = definition.safeParse(monitor);
      expect(parsed.success, `${key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
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
      keyword: { keyword: "maintenance", mode: "notContains" },
    });
    expect(monitors["health-json"]).toMatchObject({ json: { path: "$.status", op: "==", expected: "ok" } });
    expect(monitors.ssh).toMatchObject({
      type: "tcp",
      target: "bastion.example.com:22",
      tags: ["group:Backend"],
    });
    expect(monitors["dns-example.com"]).toMatchObject({ dns: { recordType: "AAAA", resolver: "9.9.9.9" } });
    expect(monitors["nightly-backup"]).toMatchObject({
      type: "heartbeat",
      heartbeat: { periodSeconds: 86_400 },
    });
    expect(monitors.postgres).toMatchObject({
      target: "db.example.com:5433",
      postgres: { username: "monitor", database: "app", query: "SELECT 1" },
    });
    expect(imported.secrets.get("UPBLIT_POSTGRES_PASSWORD")).toBe("pg@pass");
    expect(monitors.redis).toMatchObject({ target: "cache.example.com:6380", redis: { database: 2 } });
    expect(monitors["mqtt-broker"]).toMatchObject({
      paused: true,
      mqtt: { topic: "sensors/health", username: "kuma" },
    });
    expectNewTypes(monitors, imported);
  });

  it("maps status pages with their groups and monitors, and reports what they lose", () => {
    const pages = byKey(imported.config.statusPages);
    expect(pages.acme).toEqual({
      key: "acme",
      slug: "acme",
      title: "Acme status",
      description: "All of Acme",
      footerText: "Run by ops",
      groups: [
        {
          name: "Core",
          components: [
            { monitor: "website", displayName: "Website" },
            { monitor: "admin-api", displayName: "Admin API" },
          ],
        },
        {
          name: "Data",
          components: [
            { monitor: "postgres", displayName: "Postgres" },
            { monitor: "gateway-ping", displayName: "Gateway ping" },
          ],
        },
      ],
    });
    expect(pages["internal-page"]).toMatchObject({
      slug: "internal-page",
      visibility: "members",
      groups: [{ name: "Everything", components: [{ monitor: "ssh", displayName: "SSH" }] }],
    });
    for (const { key, groups, ...page } of imported.config.statusPages) {
      // The server's own schema, with monitor keys where it takes ids.
      const withIds = (
        groups as Array<{ name: string; components: Array<{ monitor: string; displayName: string }> }>
      ).map((g) => ({
        name: g.name,
        components: g.components.map((c) => ({ monitorId: c.monitor, displayName: c.displayName })),
      }));
      const parsed = CreateStatusPageBody.safeParse({ ...page, groups: withIds });
      expect(parsed.success, `${key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    const report = imported.report.approximate.join("\n");
    expect(report).toMatch(/slug Internal_Page became internal-page/);
    expect(report).toMatch(/unpublished in Kuma/);
    expect(report).toMatch(/custom domain status\.acme\.example not imported/);
    expect(report).toMatch(/not imported: custom CSS/);
    expect(report).toMatch(/monitor "Worker container" in group "Data" was not imported/);
  });

  it("maps maintenance of every strategy Upblit can repeat, and reports the others", () => {
    const windows = byKey(imported.config.maintenanceWindows);
    expect(windows["database-upgrade"]).toEqual({
      key: "database-upgrade",
      title: "Database upgrade",
      description: "Major version",
      monitors: ["postgres"],
      // 22:00 in Berlin (winter time, UTC+1).
      schedule: { type: "once", startsAt: "2030-03-01T21:00:00.000Z", endsAt: "2030-03-02T01:00:00.000Z" },
    });
    expect(windows["sunday-patching"]!.schedule).toEqual({
      type: "recurring",
      timezone: "Europe/Paris",
      startTime: "02:00",
      durationMinutes: 90,
      weekly: { days: ["sun", "sat"] },
    });
    expect(windows["sunday-patching"]!.monitors).toEqual(["website", "ssh"]);
    expect(windows["nightly-window"]!.schedule).toEqual({
      type: "recurring",
      timezone: "UTC",
      startTime: "23:30",
      durationMinutes: 45,
      daily: true,
    });
    expect(windows["month-start-1"]!.schedule).toMatchObject({
      monthly: { dayOfMonth: 1 },
      durationMinutes: 60,
    });
    expect(windows["month-start-2"]!.schedule).toMatchObject({ monthly: { dayOfMonth: 15 } });
    expect(windows["cron-window"]!.schedule).toEqual({
      type: "recurring",
      timezone: "UTC",
      startTime: "04:30",
      durationMinutes: 30,
      weekly: { days: ["mon", "wed"] },
    });
    expect(Object.keys(windows).sort()).toEqual(
      [
        "cron-window",
        "database-upgrade",
        "month-start-1",
        "month-start-2",
        "nightly-window",
        "sunday-patching",
      ].sort(),
    );
    for (const { key, monitors, ...w } of imported.config.maintenanceWindows) {
      const parsed = CreateWindowBody.safeParse({ ...w, monitorIds: monitors });
      expect(parsed.success, `${key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    const report = [...imported.report.skipped, ...imported.report.approximate].join("\n");
    expect(report).toMatch(/"Switched on by hand" \(manual\): Upblit windows are scheduled/);
    expect(report).toMatch(/"Every other day" \(recurring-interval\): every 2 days cannot be expressed/);
    expect(report).toMatch(/"Old and off" \(single\): was switched off in Kuma/);
    expect(report).toMatch(/"Nightly window" \(recurring-interval\): Kuma used its server's time zone/);
    expect(report).toMatch(/last day of the month/);
    expect(report).toMatch(/"Database upgrade" \(single\): shown on the status pages that show its monitors/);
  });

  it("refuses an SQLite file that is not Kuma's", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const init = require("sql.js") as (o: { locateFile: () => string }) => Promise<{
      Database: new () => { run(sql: string): void; export(): Uint8Array };
    }>;
    const SQL = await init({ locateFile: () => require.resolve("sql.js/dist/sql-wasm.wasm") });
    const other = new SQL.Database();
    other.run("CREATE TABLE things (id INTEGER)");
    await expect(importKumaDatabase(other.export())).rejects.toThrow(/not an Uptime Kuma database/);
  });
});
