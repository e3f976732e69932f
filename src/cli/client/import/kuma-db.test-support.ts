import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * A hand-written Uptime Kuma 2.x database for the importer's tests, made with sql.js. The DDL
 * follows Kuma's own schema (db/knex_init_db.js, db/old_migrations/patch-*.sql and
 * db/knex_migrations/*.js in louislam/uptime-kuma): only the tables and columns the importer
 * reads, with their Kuma names, types and defaults. The notifications are the 1.x backup
 * fixture's rows (a backup's notification is the table's row: its config is the same JSON text).
 */
const DDL = `
CREATE TABLE user (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, username VARCHAR(255) NOT NULL UNIQUE, password VARCHAR(255), active BOOLEAN NOT NULL DEFAULT 1, timezone VARCHAR(150));
CREATE TABLE monitor (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(150), active BOOLEAN NOT NULL DEFAULT 1,
  user_id INTEGER REFERENCES user(id) ON DELETE SET NULL ON UPDATE CASCADE,
  interval INTEGER NOT NULL DEFAULT 20, url TEXT, type VARCHAR(20), weight INTEGER DEFAULT 2000,
  hostname VARCHAR(255), port INTEGER, created_date DATETIME NOT NULL DEFAULT (DATETIME('now')),
  keyword VARCHAR(255), maxretries INTEGER NOT NULL DEFAULT 0, ignore_tls BOOLEAN NOT NULL DEFAULT 0,
  upside_down BOOLEAN NOT NULL DEFAULT 0, maxredirects INTEGER NOT NULL DEFAULT 10,
  accepted_statuscodes_json TEXT NOT NULL DEFAULT '["200-299"]', dns_resolve_type VARCHAR(5),
  dns_resolve_server VARCHAR(255), dns_last_result TEXT, retry_interval INTEGER NOT NULL DEFAULT 0,
  push_token VARCHAR(32) DEFAULT NULL, method TEXT NOT NULL DEFAULT 'GET', body TEXT DEFAULT NULL,
  headers TEXT DEFAULT NULL, basic_auth_user TEXT DEFAULT NULL, basic_auth_pass TEXT DEFAULT NULL,
  docker_host INTEGER, docker_container VARCHAR(255), proxy_id INTEGER,
  expiry_notification BOOLEAN DEFAULT 1, mqtt_topic TEXT, mqtt_success_message VARCHAR(255),
  mqtt_username VARCHAR(255), mqtt_password VARCHAR(255), database_connection_string VARCHAR(2000),
  database_query TEXT, auth_method VARCHAR(250), auth_domain TEXT, auth_workstation TEXT,
  resend_interval INTEGER NOT NULL DEFAULT 0, packet_size INTEGER NOT NULL DEFAULT 56, game VARCHAR(255),
  parent INTEGER REFERENCES monitor(id) ON DELETE SET NULL ON UPDATE CASCADE, description TEXT DEFAULT NULL,
  timeout DOUBLE DEFAULT 0 NOT NULL, json_path TEXT, expected_value VARCHAR(255),
  invert_keyword BOOLEAN DEFAULT 0 NOT NULL, http_body_encoding VARCHAR(25),
  mqtt_check_type VARCHAR(255) NOT NULL DEFAULT 'keyword', json_path_operator VARCHAR(255) DEFAULT NULL,
  cache_bust BOOLEAN NOT NULL DEFAULT 0, conditions TEXT NOT NULL DEFAULT '[]', ip_family VARCHAR(4) DEFAULT NULL,
  grpc_url VARCHAR(255) DEFAULT NULL, grpc_protobuf TEXT DEFAULT NULL, grpc_body TEXT DEFAULT NULL,
  grpc_metadata TEXT DEFAULT NULL, grpc_method TEXT DEFAULT NULL, grpc_service_name TEXT DEFAULT NULL,
  grpc_enable_tls BOOLEAN NOT NULL DEFAULT 0, remote_browser INTEGER DEFAULT NULL, rabbitmq_nodes TEXT,
  rabbitmq_username VARCHAR(255), rabbitmq_password VARCHAR(255), smtp_security VARCHAR(255) DEFAULT NULL,
  ws_ignore_sec_websocket_accept_header BOOLEAN NOT NULL DEFAULT 0, ws_subprotocol VARCHAR(255) NOT NULL DEFAULT '',
  ping_count INTEGER NOT NULL DEFAULT 1, ping_numeric BOOLEAN NOT NULL DEFAULT 1,
  ping_per_request_timeout INTEGER NOT NULL DEFAULT 2, screenshot_delay INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE notification (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255), active BOOLEAN NOT NULL DEFAULT 1, user_id INTEGER, is_default BOOLEAN NOT NULL DEFAULT 0, config TEXT);
CREATE TABLE monitor_notification (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE ON UPDATE CASCADE, notification_id INTEGER NOT NULL REFERENCES notification(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE tag (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255) NOT NULL, color VARCHAR(255) NOT NULL, created_date DATETIME NOT NULL DEFAULT (DATETIME('now')));
CREATE TABLE monitor_tag (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE ON UPDATE CASCADE, tag_id INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE ON UPDATE CASCADE, value TEXT);
CREATE TABLE status_page (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, slug VARCHAR(255) NOT NULL UNIQUE, title VARCHAR(255) NOT NULL,
  description TEXT, icon VARCHAR(255) NOT NULL, theme VARCHAR(30) NOT NULL, published BOOLEAN NOT NULL DEFAULT 1,
  search_engine_index BOOLEAN NOT NULL DEFAULT 1, show_tags BOOLEAN NOT NULL DEFAULT 0, password VARCHAR,
  created_date DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, modified_date DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  footer_text TEXT, custom_css TEXT, show_powered_by BOOLEAN NOT NULL DEFAULT 1, analytics_id VARCHAR(255),
  show_certificate_expiry BOOLEAN NOT NULL DEFAULT 0, auto_refresh_interval INTEGER DEFAULT 300
);
CREATE TABLE status_page_cname (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, status_page_id INTEGER REFERENCES status_page(id) ON DELETE CASCADE ON UPDATE CASCADE, domain VARCHAR NOT NULL UNIQUE);
CREATE TABLE "group" (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255) NOT NULL, created_date DATETIME DEFAULT (DATETIME('now')) NOT NULL, public BOOLEAN DEFAULT 0 NOT NULL, active BOOLEAN DEFAULT 1 NOT NULL, weight BOOLEAN NOT NULL DEFAULT 1000, status_page_id INTEGER);
CREATE TABLE monitor_group (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE ON UPDATE CASCADE, group_id INTEGER NOT NULL REFERENCES "group"(id) ON DELETE CASCADE ON UPDATE CASCADE, weight BOOLEAN NOT NULL DEFAULT 1000, send_url BOOLEAN NOT NULL DEFAULT 0, custom_url TEXT);
CREATE TABLE maintenance (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, title VARCHAR(150) NOT NULL, description TEXT NOT NULL,
  user_id INTEGER REFERENCES user(id) ON DELETE SET NULL ON UPDATE CASCADE, active BOOLEAN NOT NULL DEFAULT 1,
  strategy VARCHAR(50) NOT NULL DEFAULT 'single', start_date DATETIME, end_date DATETIME, start_time TIME,
  end_time TIME, weekdays VARCHAR2(250) DEFAULT '[]', days_of_month TEXT DEFAULT '[]', interval_day INTEGER,
  cron TEXT, timezone VARCHAR(255), duration INTEGER, last_start_date DATETIME
);
CREATE TABLE monitor_maintenance (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE ON UPDATE CASCADE, maintenance_id INTEGER NOT NULL REFERENCES maintenance(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE maintenance_status_page (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, status_page_id INTEGER NOT NULL REFERENCES status_page(id) ON DELETE CASCADE ON UPDATE CASCADE, maintenance_id INTEGER NOT NULL REFERENCES maintenance(id) ON DELETE CASCADE ON UPDATE CASCADE);
`;

type Value = string | number | null;

interface SqlJs {
  Database: new () => {
    run(sql: string, params?: Value[]): void;
    export(): Uint8Array;
    close(): void;
  };
}

/** Inserts one row per object; columns are the object's keys. */
function insert(
  db: InstanceType<SqlJs["Database"]>,
  table: string,
  rows: Array<Record<string, Value>>,
): void {
  for (const row of rows) {
    const columns = Object.keys(row);
    db.run(
      `INSERT INTO "${table}" (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      Object.values(row),
    );
  }
}

/**
 * The fixture: a monitor of every type the importer maps (and a few it cannot), their tags and
 * notifications, two status pages with groups, and one maintenance of each strategy. `target`
 * gives the http/port/keyword monitors' address (a local server in the end-to-end test).
 */
export async function kumaDatabase(
  target = { http: "https://www.example.com/", host: "bastion.example.com", port: 22 },
): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const init = require("sql.js") as (o: { locateFile: () => string }) => Promise<SqlJs>;
  const wasm = require.resolve("sql.js/dist/sql-wasm.wasm");
  const SQL = await init({ locateFile: () => wasm });
  const db = new SQL.Database();
  db.run(DDL);
  const backup = JSON.parse(
    readFileSync(new URL("./fixtures/kuma-backup.json", import.meta.url), "utf8"),
  ) as {
    notificationList: Array<{
      id: number;
      name: string;
      active: boolean;
      isDefault: boolean;
      config: string;
    }>;
  };
  insert(db, "user", [{ id: 1, username: "admin", password: "x", timezone: "Europe/Berlin" }]);
  insert(
    db,
    "notification",
    backup.notificationList.map((n) => ({
      id: n.id,
      name: n.name,
      active: n.active === false ? 0 : 1,
      user_id: 1,
      is_default: n.isDefault ? 1 : 0,
      config: n.config,
    })),
  );
  insert(db, "monitor", [
    { id: 20, name: "Backend", type: "group", interval: 60 },
    {
      id: 1,
      name: "Website",
      type: "http",
      url: target.http,
      interval: 30,
      timeout: 24,
      maxretries: 2,
      expiry_notification: 1,
    },
    {
      id: 2,
      name: "Admin API",
      type: "http",
      url: "https://admin.example.com/api",
      method: "POST",
      headers: '{"X-Api-Version": "2"}',
      body: '{"ping":true}',
      ignore_tls: 1,
      maxredirects: 0,
      auth_method: "basic",
      basic_auth_user: "monitor",
      basic_auth_pass: "s3cret",
      accepted_statuscodes_json: '["200-299","401"]',
      expiry_notification: 0,
    },
    {
      id: 3,
      name: "Status text",
      type: "keyword",
      url: target.http,
      keyword: "maintenance",
      invert_keyword: 1,
      expiry_notification: 0,
    },
    {
      id: 4,
      name: "Health JSON",
      type: "json-query",
      url: "https://api.example.com/health",
      json_path: "status",
      json_path_operator: "==",
      expected_value: "ok",
      expiry_notification: 0,
    },
    { id: 5, name: "SSH", type: "port", hostname: target.host, port: target.port, parent: 20, interval: 60 },
    {
      id: 6,
      name: "DNS example.com",
      type: "dns",
      hostname: "example.com",
      dns_resolve_type: "AAAA",
      dns_resolve_server: "9.9.9.9",
      port: 53,
    },
    { id: 7, name: "Nightly backup", type: "push", interval: 86400, push_token: "pushtoken123" },
    {
      id: 8,
      name: "Postgres",
      type: "postgres",
      database_connection_string: "postgres://monitor:pg%40pass@db.example.com:5433/app",
      database_query: "SELECT 1",
      parent: 20,
    },
    {
      id: 9,
      name: "MySQL",
      type: "mysql",
      database_connection_string: "mysql://monitor:pw@db.example.com:3306/app",
    },
    { id: 10, name: "Redis", type: "redis", database_connection_string: "redis://cache.example.com:6380/2" },
    {
      id: 11,
      name: "MQTT broker",
      type: "mqtt",
      hostname: "mqtt.example.com",
      port: 1883,
      mqtt_topic: "sensors/health",
      mqtt_username: "kuma",
      mqtt_password: "mqtt-pass",
      active: 0,
    },
    { id: 12, name: "Gateway ping", type: "ping", hostname: "10.0.0.1", ping_count: 4, timeout: 10 },
    { id: 13, name: "Worker container", type: "docker", docker_container: "worker" },
    {
      id: 14,
      name: "Mail server",
      type: "smtp",
      hostname: "mail.example.com",
      port: 587,
      smtp_security: "starttls",
    },
    {
      id: 15,
      name: "Live feed",
      type: "websocket-upgrade",
      url: "wss://feed.example.com/socket",
      ws_subprotocol: "v2.feed, json",
      accepted_statuscodes_json: '["1000"]',
    },
    {
      id: 16,
      name: "Orders gRPC",
      type: "grpc-keyword",
      grpc_url: "orders.example.com:50051",
      grpc_service_name: "grpc.health.v1.Health",
      grpc_method: "Check",
      grpc_body: '{"service": "orders.v1.Orders"}',
      grpc_enable_tls: 1,
      keyword: "SERVING",
    },
    {
      id: 17,
      name: "Inventory gRPC",
      type: "grpc-keyword",
      grpc_url: "inventory.example.com:9000",
      grpc_service_name: "Inventory",
      grpc_method: "list",
      grpc_body: "{}",
      keyword: "widget",
    },
    { id: 18, name: "Checkout page", type: "real-browser", url: "https://shop.example.com/checkout" },
    {
      id: 19,
      name: "RabbitMQ",
      type: "rabbitmq",
      rabbitmq_nodes: '["https://rabbit.example.com:15671","https://rabbit2.example.com:15671"]',
      rabbitmq_username: "monitor",
      rabbitmq_password: "rabbit-pass",
    },
    {
      id: 21,
      name: "Orders MongoDB",
      type: "mongodb",
      database_connection_string: "mongodb://monitor:mongo-pass@mongo.example.com:27017/orders",
    },
  ]);
  insert(db, "tag", [
    { id: 1, name: "prod", color: "#059669" },
    { id: 2, name: "region", color: "#2563eb" },
  ]);
  insert(db, "monitor_tag", [
    { monitor_id: 1, tag_id: 1, value: "" },
    { monitor_id: 1, tag_id: 2, value: "eu" },
  ]);
  insert(db, "monitor_notification", [
    { monitor_id: 1, notification_id: 1 },
    { monitor_id: 1, notification_id: 3 },
    { monitor_id: 2, notification_id: 5 },
  ]);
  insert(db, "status_page", [
    {
      id: 1,
      slug: "acme",
      title: "Acme status",
      description: "All of Acme",
      icon: "/icon.svg",
      theme: "auto",
      footer_text: "Run by ops",
      custom_css: "body{}",
    },
    { id: 2, slug: "Internal_Page", title: "Internal", icon: "/icon.svg", theme: "dark", published: 0 },
  ]);
  insert(db, "status_page_cname", [{ status_page_id: 1, domain: "status.acme.example" }]);
  insert(db, "group", [
    { id: 1, name: "Core", status_page_id: 1, weight: 1 },
    { id: 2, name: "Data", status_page_id: 1, weight: 2 },
    { id: 3, name: "Everything", status_page_id: 2, weight: 1 },
  ]);
  insert(db, "monitor_group", [
    { monitor_id: 1, group_id: 1, weight: 1 },
    { monitor_id: 2, group_id: 1, weight: 2 },
    { monitor_id: 8, group_id: 2, weight: 1 },
    { monitor_id: 12, group_id: 2, weight: 2 },
    { monitor_id: 13, group_id: 2, weight: 3 },
    { monitor_id: 5, group_id: 3, weight: 1 },
  ]);
  insert(db, "maintenance", [
    {
      id: 1,
      title: "Database upgrade",
      description: "Major version",
      strategy: "single",
      start_date: "2030-03-01 22:00:00",
      end_date: "2030-03-02 02:00:00",
      timezone: "Europe/Berlin",
    },
    {
      id: 2,
      title: "Sunday patching",
      description: "",
      strategy: "recurring-weekday",
      start_time: "02:00:00",
      end_time: "03:30:00",
      weekdays: "[0,6]",
      timezone: "Europe/Paris",
    },
    {
      id: 3,
      title: "Nightly window",
      description: "",
      strategy: "recurring-interval",
      interval_day: 1,
      start_time: "23:30",
      end_time: "00:15",
      timezone: "SAME_AS_SERVER",
    },
    {
      id: 4,
      title: "Month start",
      description: "",
      strategy: "recurring-day-of-month",
      start_time: "01:00",
      end_time: "02:00",
      days_of_month: '[1,15,"lastDay1"]',
      timezone: "UTC",
    },
    {
      id: 5,
      title: "Cron window",
      description: "",
      strategy: "cron",
      cron: "30 4 * * 1,3",
      duration: 1800,
      timezone: "UTC",
    },
    { id: 6, title: "Switched on by hand", description: "", strategy: "manual" },
    {
      id: 7,
      title: "Every other day",
      description: "",
      strategy: "recurring-interval",
      interval_day: 2,
      start_time: "01:00",
      end_time: "02:00",
      timezone: "UTC",
    },
    {
      id: 8,
      title: "Old and off",
      description: "",
      strategy: "single",
      active: 0,
      start_date: "2020-01-01 00:00:00",
      end_date: "2020-01-01 01:00:00",
    },
  ]);
  insert(db, "monitor_maintenance", [
    { monitor_id: 8, maintenance_id: 1 },
    { monitor_id: 1, maintenance_id: 2 },
    { monitor_id: 5, maintenance_id: 2 },
    { monitor_id: 1, maintenance_id: 3 },
    { monitor_id: 9, maintenance_id: 4 },
    { monitor_id: 10, maintenance_id: 5 },
    { monitor_id: 1, maintenance_id: 6 },
    { monitor_id: 1, maintenance_id: 7 },
    { monitor_id: 1, maintenance_id: 8 },
  ]);
  insert(db, "maintenance_status_page", [{ status_page_id: 1, maintenance_id: 1 }]);
  const bytes = db.export();
  db.close();
  return bytes;
}
