import { parse } from "yaml";
import type { Declared } from "../config/file.ts";
import { Builder, clampInterval, durationSeconds, type Imported } from "./builder.ts";
import { gatusChannel } from "./gatus-alerting.ts";

type Row = Record<string, unknown>;
type Assertion = { subject: string; op: string; value?: unknown; path?: string };

/**
 * A Gatus configuration (config.yaml: `endpoints`, `external-endpoints`, `alerting`,
 * `maintenance`) as an Upblit config. Conditions become assertions where Upblit has the same
 * subject; docs/importing.md#gatus lists them.
 */
export function importGatus(text: string): Imported {
  const doc = (parse(text) ?? {}) as Row;
  if (!Array.isArray(doc.endpoints) && !Array.isArray(doc["external-endpoints"])) {
    throw new Error("not a Gatus configuration: no endpoints or external-endpoints");
  }
  const b = new Builder();
  const channels = new Map<string, string>();
  for (const [type, provider] of Object.entries((doc.alerting as Row) ?? {})) {
    const channel = gatusChannel(b, type, (provider as Row) ?? {});
    if (!channel) continue;
    b.add(
      "channels",
      channel,
      `alerting provider ${type} → channel ${channel.key} (${String(channel.kind)})`,
    );
    channels.set(type, channel.key);
  }
  for (const e of (doc.endpoints as Row[] | undefined) ?? []) {
    const monitor = endpoint(b, e, channels);
    if (monitor)
      b.add("monitors", monitor, `endpoint "${String(e.name)}" → ${monitor.key} (${String(monitor.type)})`);
  }
  for (const e of (doc["external-endpoints"] as Row[] | undefined) ?? []) {
    const name = String(e.name ?? "external endpoint");
    const key = b.key("monitors", name);
    const period = durationSeconds((e.heartbeat as Row | undefined)?.interval);
    if (!period) b.approx(`external endpoint "${name}": no heartbeat interval; expects a push every day`);
    b.approx(
      `external endpoint "${name}": pushes go to Upblit's /ping/<token> (Healthchecks' style), not Gatus' /api/v1/endpoints/…/external`,
    );
    b.add(
      "monitors",
      {
        key,
        name,
        type: "heartbeat",
        ...(e.group ? { tags: [`group:${String(e.group)}`.slice(0, 50)] } : {}),
        ...(e.enabled === false ? { paused: true } : {}),
        heartbeat: {
          periodSeconds: Math.max(60, Math.round(period ?? 86_400)),
          graceSeconds: Math.max(60, Math.round(period ?? 3600)),
        },
        ...alertsOf(b, e, channels, `external endpoint "${name}"`),
      },
      `external endpoint "${name}" → ${key} (heartbeat)`,
    );
  }
  maintenance(b, doc.maintenance as Row | undefined);
  return b.done();
}

function endpoint(b: Builder, e: Row, channels: Map<string, string>): Declared | undefined {
  const name = String(e.name ?? "endpoint");
  const what = `endpoint "${name}"`;
  const url = String(e.url ?? "");
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const dnsQuery = e.dns as Row | undefined;
  let type: string;
  let target: string;
  if (dnsQuery) {
    type = "dns";
    target = String(dnsQuery["query-name"] ?? "");
  } else if (scheme === "http" || scheme === "https") {
    type = "http";
    target = url;
  } else if (scheme === "tcp" || scheme === "tls") {
    type = scheme;
    target = url.slice(scheme.length + 3).replace(/\/.*$/, "");
  } else {
    b.skip(`${what}: Upblit has no ${scheme ?? url} checks`);
    return undefined;
  }
  const key = b.key("monitors", name);
  const interval = clampInterval(durationSeconds(e.interval) ?? 60, 10, b, what);
  const out: Declared = { key, name, type, target, intervalSeconds: interval };
  if (e.group) out.tags = [`group:${String(e.group)}`.slice(0, 50)];
  if (e.enabled === false) out.paused = true;
  const client = (e.client as Row | undefined) ?? {};
  const timeout = durationSeconds(client.timeout);
  if (timeout && timeout < interval)
    out.timeoutMs = Math.max(100, Math.min(Math.round(timeout * 1000), 120_000));
  if (type === "http") {
    const http: Row = {};
    if (e.method) http.method = String(e.method).toUpperCase();
    if (e.headers)
      http.headers = Object.fromEntries(Object.entries(e.headers as Row).map(([k, v]) => [k, String(v)]));
    if (typeof e.body === "string" && e.body) http.body = e.body;
    if (client.insecure === true) http.verifyTls = false;
    if (Object.keys(http).length) out.http = http;
  }
  if (type === "dns") {
    const resolver = url.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    out.dns = {
      recordType: String(dnsQuery?.["query-type"] ?? "A").toUpperCase(),
      ...(resolver ? { resolver } : {}),
    };
  }
  const assertions: Assertion[] = [];
  for (const condition of (e.conditions as unknown[] | undefined) ?? []) {
    const mapped = condition_(String(condition), type, out, b, what);
    if (mapped) assertions.push(mapped);
  }
  if (assertions.length) out.assertions = assertions;
  Object.assign(out, alertsOf(b, e, channels, what));
  return out;
}

const OPS = ["==", "!=", "<=", ">=", "<", ">"];

/** One Gatus condition as an assertion, undefined when implied or not expressible (reported). */
function condition_(
  text: string,
  type: string,
  out: Declared,
  b: Builder,
  what: string,
): Assertion | undefined {
  const m = /^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/.exec(text);
  if (!m) {
    b.skip(`${what}: condition "${text}" is not understood`);
    return undefined;
  }
  const [, left, op, right] = m as unknown as [string, string, string, string];
  const value = scalar(right);
  if (left === "[STATUS]") {
    const any = /^any\((.*)\)$/.exec(right);
    if (any)
      return {
        subject: "status",
        op: op === "!=" ? "notIn" : "in",
        value: any[1]!.split(",").map((v) => Number(v.trim())),
      };
    return { subject: "status", op, value };
  }
  if (left === "[RESPONSE_TIME]") return { subject: "latency.total", op, value };
  if (left === "[CONNECTED]" && op === "==" && right === "true") return undefined;
  if (left === "[DNS_RCODE]" && op === "==" && right === "NOERROR") return undefined;
  if (left === "[CERTIFICATE_EXPIRATION]") {
    const seconds = durationSeconds(right);
    if (seconds === undefined || !OPS.includes(op)) return skipped(b, what, text);
    const days = Math.ceil(seconds / 86_400);
    if (seconds % 86_400) b.approx(`${what}: "${text}" rounded to ${days} days`);
    return { subject: "cert.daysLeft", op, value: days };
  }
  if (left === "[BODY]" && type === "dns") {
    out.dns = { ...(out.dns as Row), expected: [String(value)] };
    return undefined;
  }
  if (left === "[BODY]") {
    const pat = /^pat\((.*)\)$/.exec(right);
    const inner = pat ? pat[1]! : right;
    const core = inner.replace(/^\*|\*$/g, "");
    if (core.includes("*") || (op !== "==" && op !== "!=")) return skipped(b, what, text);
    if (!pat || inner !== `*${core}*`) b.approx(`${what}: "${text}" checks that the body contains "${core}"`);
    return { subject: "body", op: op === "==" ? "contains" : "notContains", value: core };
  }
  const has = /^has\(\[BODY\]\.(.+)\)$/.exec(left);
  if (has && (right === "true" || right === "false") && op === "==") {
    toJson(out);
    return { subject: "json", path: `$.${has[1]}`, op: right === "true" ? "exists" : "notExists" };
  }
  const body = /^\[BODY\]\.(.+)$/.exec(left);
  if (body && !right.includes("(")) {
    toJson(out);
    return { subject: "json", path: `$.${body[1]}`, op, value };
  }
  return skipped(b, what, text);
}

/** JSON path assertions need a monitor of type json; an http one becomes one (the same check). */
function toJson(out: Declared): void {
  if (out.type === "http") {
    out.type = "json";
    out.json = { path: "$", op: "exists" };
  }
}

function skipped(b: Builder, what: string, text: string): undefined {
  b.skip(`${what}: condition "${text}" has no Upblit assertion`);
  return undefined;
}

function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text.replace(/^"(.*)"$/, "$1");
}

function alertsOf(b: Builder, e: Row, channels: Map<string, string>, what: string): Record<string, unknown> {
  const alerts = ((e.alerts as Row[] | undefined) ?? []).filter((a) => a.enabled !== false);
  if (!alerts.length) return {};
  const keys = [...new Set(alerts.map((a) => channels.get(String(a.type))).filter((k): k is string => !!k))];
  for (const a of alerts) {
    if (!channels.has(String(a.type)))
      b.skip(`${what}: alert to ${String(a.type)} (no such channel was imported)`);
    if (a["send-on-resolved"] === false)
      b.approx(`${what}: ${String(a.type)} is also told when it recovers (Upblit channels' events)`);
  }
  const failures = Math.max(...alerts.map((a) => Number(a["failure-threshold"] ?? 3)));
  const successes = Math.max(...alerts.map((a) => Number(a["success-threshold"] ?? 2)));
  if (alerts.length > 1)
    b.approx(
      `${what}: the alerts' thresholds became the monitor's (${failures} failures, ${successes} successes)`,
    );
  return {
    ...(keys.length ? { channels: keys } : {}),
    failuresBeforeDown: Math.min(Math.max(failures, 1), 20),
    successesBeforeUp: Math.min(Math.max(successes, 1), 20),
  };
}

const DAYS: Record<string, string> = {
  sunday: "sun",
  monday: "mon",
  tuesday: "tue",
  wednesday: "wed",
  thursday: "thu",
  friday: "fri",
  saturday: "sat",
};

/** Gatus' global maintenance window: every endpoint, daily or on given weekdays. */
function maintenance(b: Builder, m: Row | undefined): void {
  if (!m || m.enabled === false || !m.start) return;
  const minutes = Math.round((durationSeconds(m.duration) ?? 0) / 60);
  if (minutes < 1 || minutes > 1440) {
    b.skip(`maintenance: duration ${String(m.duration)} is outside 1 minute to 24 hours`);
    return;
  }
  const days = ((m.every as string[] | undefined) ?? [])
    .map((d) => DAYS[String(d).toLowerCase()])
    .filter(Boolean);
  const key = b.key("maintenanceWindows", "gatus-maintenance");
  b.add(
    "maintenanceWindows",
    {
      key,
      title: "Maintenance (from Gatus)",
      tags: [],
      schedule: {
        type: "recurring",
        timezone: String(m.timezone ?? "UTC"),
        startTime: String(m.start).padStart(5, "0"),
        durationMinutes: minutes,
        ...(days.length ? { weekly: { days } } : { daily: true }),
      },
    },
    `maintenance → maintenance window ${key}`,
  );
  b.approx(
    `maintenance: Gatus' window covers every endpoint; give the window tags or monitors to cover them in Upblit (it covers none as imported)`,
  );
}
