import { createRequire } from "node:module";
import { type Builder, type Imported, Builder as NewBuilder } from "./builder.ts";
import { addKuma, type Row, str } from "./kuma.ts";
import { addKumaMaintenance } from "./kuma-maintenance.ts";

/** What this file needs of sql.js (the WebAssembly build of SQLite, shipped in its npm package). */
interface SqlJs {
  Database: new (bytes: Uint8Array) => SqlDatabase;
}
interface SqlDatabase {
  exec(sql: string, params?: unknown[]): Array<{ columns: string[]; values: unknown[][] }>;
  close(): void;
}
type InitSqlJs = (options?: { locateFile?: (file: string) => string }) => Promise<SqlJs>;

/** Monitor columns Kuma stores as 0/1 that the JSON importer reads as booleans (Monitor.toJSON). */
const BOOLEAN_COLUMNS = [
  "active",
  "ignoreTls",
  "upsideDown",
  "invertKeyword",
  "expiryNotification",
  "grpcEnableTls",
  "wsIgnoreSecWebsocketAcceptHeader",
];

/** SQLite's file header: every database starts with it. */
const SQLITE_MAGIC = "SQLite format 3\u0000";

/** True when the bytes are an SQLite database rather than a JSON backup. */
export function isSqlite(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 16)).toString("latin1") === SQLITE_MAGIC;
}

/**
 * Uptime Kuma 2.x's SQLite database (`data/kuma.db`) as an Upblit config: the tables the 1.x
 * JSON backup carries (monitor, notification, monitor_notification, tag, monitor_tag), read
 * into the backup's shape and mapped by the same code, plus status pages (status_page, group,
 * monitor_group) and maintenance (maintenance, monitor_maintenance, maintenance_status_page).
 * The file is only read. docs/importing.md#uptime-kuma lists what maps.
 */
export async function importKumaDatabase(bytes: Uint8Array): Promise<Imported> {
  const require = createRequire(import.meta.url);
  const init = require("sql.js") as InitSqlJs;
  // The .wasm ships beside sql.js's own file in its package: nothing is downloaded.
  const wasm = require.resolve("sql.js/dist/sql-wasm.wasm");
  const SQL = await init({ locateFile: () => wasm });
  const db = new SQL.Database(bytes);
  try {
    return readKuma(db);
  } finally {
    db.close();
  }
}

function readKuma(db: SqlDatabase): Imported {
  const rows = (sql: string, params: unknown[] = []): Row[] =>
    db
      .exec(sql, params)
      .flatMap((r) => r.values.map((v) => Object.fromEntries(r.columns.map((c, i) => [c, v[i]]))));
  const tables = new Set(
    rows("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r.name)),
  );
  if (!tables.has("monitor") || !tables.has("notification")) {
    throw new Error("not an Uptime Kuma database: it has no monitor and notification tables");
  }
  const has = (t: string) => tables.has(t);

  const tags = new Map<string, Row[]>();
  if (has("monitor_tag") && has("tag")) {
    for (const t of rows(
      "SELECT mt.monitor_id, t.name, mt.value FROM monitor_tag mt JOIN tag t ON t.id = mt.tag_id ORDER BY mt.id",
    )) {
      const list = tags.get(String(t.monitor_id)) ?? [];
      list.push({ name: t.name, value: t.value });
      tags.set(String(t.monitor_id), list);
    }
  }
  const notifications = new Map<string, Record<string, boolean>>();
  if (has("monitor_notification")) {
    for (const n of rows("SELECT monitor_id, notification_id FROM monitor_notification ORDER BY id")) {
      const list = notifications.get(String(n.monitor_id)) ?? {};
      list[String(n.notification_id)] = true;
      notifications.set(String(n.monitor_id), list);
    }
  }
  const monitorList = rows("SELECT * FROM monitor ORDER BY weight DESC, id").map(
    (m): Row => ({
      ...asBackupMonitor(m),
      tags: tags.get(String(m.id)) ?? [],
      notificationIDList: notifications.get(String(m.id)) ?? {},
    }),
  );
  const b: Builder = new NewBuilder();
  const monitorKeys = addKuma(b, {
    notificationList: rows("SELECT * FROM notification ORDER BY id"),
    monitorList,
  });
  const names = new Map(monitorList.map((m) => [String(m.id), String(m.name)]));
  const pageKeys = has("status_page")
    ? addStatusPages(b, rows, has, monitorKeys, names)
    : new Map<string, string>();
  if (has("maintenance")) addKumaMaintenance(b, rows, has, monitorKeys, pageKeys);
  return b.done();
}

/** A monitor row as Monitor.toJSON shows it: camelCase names besides the columns, booleans, codes. */
function asBackupMonitor(m: Row): Row {
  const out: Row = { ...m };
  for (const [column, value] of Object.entries(m)) {
    out[column.replace(/_([a-z])/g, (_x, c: string) => c.toUpperCase())] = value;
  }
  for (const k of BOOLEAN_COLUMNS) if (k in out) out[k] = out[k] === 1 || out[k] === true || out[k] === "1";
  try {
    out.accepted_statuscodes = JSON.parse(String(m.accepted_statuscodes_json ?? '["200-299"]'));
  } catch {
    out.accepted_statuscodes = ["200-299"];
  }
  return out;
}

type Rows = (sql: string, params?: unknown[]) => Row[];

/** Kuma's status pages, their groups (`group`) and the monitors in them (`monitor_group`). */
function addStatusPages(
  b: Builder,
  rows: Rows,
  has: (t: string) => boolean,
  monitorKeys: Map<string, string>,
  names: Map<string, string>,
): Map<string, string> {
  const pageKeys = new Map<string, string>();
  const domains = new Map<string, string[]>();
  if (has("status_page_cname")) {
    for (const d of rows("SELECT status_page_id, domain FROM status_page_cname ORDER BY id")) {
      domains.set(String(d.status_page_id), [
        ...(domains.get(String(d.status_page_id)) ?? []),
        String(d.domain),
      ]);
    }
  }
  for (const page of rows("SELECT * FROM status_page ORDER BY id")) {
    const title = (str(page.title) ?? String(page.slug)).slice(0, 100);
    const what = `status page "${title}" (/status/${String(page.slug)})`;
    const slug = String(page.slug ?? "")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60);
    if (!slug) {
      b.skip(`${what}: its slug has no letters or digits`);
      continue;
    }
    if (slug !== page.slug) b.approx(`${what}: slug ${String(page.slug)} became ${slug}`);
    const key = b.key("statusPages", slug);
    const out: Record<string, unknown> = { key, slug, title };
    if (str(page.description)) out.description = String(page.description).trim().slice(0, 500);
    if (str(page.footer_text)) out.footerText = String(page.footer_text).trim().slice(0, 500);
    if (page.published === 0 || page.published === false) {
      out.visibility = "members";
      b.approx(`${what}: was unpublished in Kuma; imported visible to signed-in members only`);
    }
    const dropped = [
      str(page.custom_css) && "custom CSS",
      str(page.icon) && page.icon !== "/icon.svg" && "its icon (set logoUrl to an https URL)",
      (page.show_tags === 1 || page.show_tags === true) && "tags on the page",
      str(page.analytics_id ?? page.google_analytics_tag_id) && "analytics",
      (page.show_certificate_expiry === 1 || page.show_certificate_expiry === true) && "certificate expiry",
      str(page.theme) && page.theme !== "auto" && `the ${String(page.theme)} theme (set colors)`,
    ].filter(Boolean);
    if (dropped.length) b.approx(`${what}: not imported: ${dropped.join(", ")}`);
    for (const domain of domains.get(String(page.id)) ?? []) {
      b.approx(
        `${what}: custom domain ${domain} not imported: add it with its DNS proof (docs/status-pages.md)`,
      );
    }
    const groups: Array<{ name: string; components: Array<{ monitor: string; displayName: string }> }> = [];
    const seen = new Set<string>();
    const groupRows = has("group")
      ? rows('SELECT * FROM "group" WHERE status_page_id = ? ORDER BY weight, id', [page.id])
      : [];
    for (const g of groupRows) {
      const members = has("monitor_group")
        ? rows("SELECT monitor_id FROM monitor_group WHERE group_id = ? ORDER BY weight, id", [g.id])
        : [];
      const components: Array<{ monitor: string; displayName: string }> = [];
      for (const member of members) {
        const id = String(member.monitor_id);
        const monitor = monitorKeys.get(id);
        if (!monitor) {
          b.approx(
            `${what}: monitor "${names.get(id) ?? id}" in group "${String(g.name)}" was not imported; left out`,
          );
          continue;
        }
        if (seen.has(monitor)) continue; // Upblit shows a monitor once per page
        seen.add(monitor);
        components.push({ monitor, displayName: (names.get(id) ?? monitor).slice(0, 100) });
      }
      groups.push({ name: (str(g.name) ?? "Services").slice(0, 100), components });
    }
    if (groups.length) out.groups = groups;
    b.add("statusPages", out as { key: string }, `${what} → ${key} (${groups.length} group(s))`);
    pageKeys.set(String(page.id), key);
  }
  return pageKeys;
}
