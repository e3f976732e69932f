import type { Section } from "./file.ts";

/** A server object as the API returns it. */
export type Item = Record<string, unknown> & { id: string };
/** A resource in the file's shape (references by key), without its key. */
export type Shape = Record<string, unknown>;

/** Key ↔ id lookups for references while converting between the file's and the API's shapes. */
export interface Refs {
  /** The key of a resource by id; `id:<id>` for a resource that has none. */
  keyOf(section: Section, id: string): string;
  /** The id of a declared resource by key; throws when it does not exist (yet). */
  idOf(section: Section, key: string): string;
}

/** What the server says a write-only value is. */
export const REDACTED = "[redacted]";

/** How one kind of resource maps between the file and the API. */
export interface KindSpec {
  section: Section;
  /** The kind's name in messages and in the key routes' operationIds. */
  label: string;
  op: {
    list: string;
    create: string;
    update: string;
    remove: string;
    keys: string;
    setKey: string;
    deleteKey: string;
  };
  /** What finds an unkeyed resource for a declared one (its name, a page's slug). */
  identity: string;
  /** The server's object in the file's shape (compared with the declaration, and exported). */
  toFile(item: Item, refs: Refs): Shape;
  /** A declaration (environment resolved) as the body of create; an update sends its changed fields. */
  toApi(decl: Shape, refs: Refs): Shape;
  /** What export leaves out or replaces: read-only fields, secrets as `${ENV}` references. */
  exportClean(shape: Shape, key: string): Shape;
}

const envName = (...parts: string[]) =>
  parts
    .join("_")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Drops the keys named and undefined values. */
function omit(shape: Shape, keys: string[]): Shape {
  return Object.fromEntries(Object.entries(shape).filter(([k, v]) => !keys.includes(k) && v !== undefined));
}

/** Every "[redacted]" value of an object (deep) replaced by a `${ENV}` reference named after its path. */
function redactedToEnv(value: unknown, path: string[]): unknown {
  if (value === REDACTED) return `\${${envName(...path)}}`;
  if (Array.isArray(value)) return value.map((v, i) => redactedToEnv(v, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactedToEnv(v, [...path, k])]));
  }
  return value;
}

const MONITOR_READ_ONLY = [
  "id",
  "state",
  "stateSince",
  "lastCheckedAt",
  "lastStatus",
  "createdAt",
  "updatedAt",
];

const monitor: KindSpec = {
  section: "monitors",
  label: "monitor",
  op: op("Monitor", "Monitors"),
  identity: "name",
  toFile(item, refs) {
    const { parents, channelIds, ...rest } = item;
    return {
      ...omit(rest, ["id"]),
      parents: strings(parents).map((id) => refs.keyOf("monitors", id)),
      ...(channelIds ? { channels: strings(channelIds).map((id) => refs.keyOf("channels", id)) } : {}),
    };
  },
  toApi(decl, refs) {
    const { parents, channels: _channels, ...rest } = decl;
    return parents === undefined
      ? rest
      : { ...rest, parents: strings(parents).map((k) => refs.idOf("monitors", k)) };
  },
  exportClean(shape, key) {
    const out = redactedToEnv(omit(shape, MONITOR_READ_ONLY), [key]) as Shape;
    const http = out.http as { auth?: Record<string, unknown> } | undefined;
    if (http?.auth?.type === "basic" && http.auth.password === undefined) {
      http.auth.password = `\${${envName(key, "http", "password")}}`;
    }
    if (http?.auth?.type === "bearer" && http.auth.token === undefined) {
      http.auth.token = `\${${envName(key, "http", "token")}}`;
    }
    // A heartbeat's token is its ping URL's secret: a server makes its own (pin one with ${ENV}).
    const heartbeat = out.heartbeat as Record<string, unknown> | undefined;
    if (heartbeat) delete heartbeat.token;
    if (Array.isArray(out.channels) && out.channels.length === 0) delete out.channels;
    return out;
  },
};

const channel: KindSpec = {
  section: "channels",
  label: "channel",
  op: op("Channel", "Channels"),
  identity: "name",
  toFile(item) {
    const { secretsSet, ...rest } = item;
    return {
      ...omit(rest, ["id"]),
      secrets: Object.fromEntries(strings(secretsSet).map((name) => [name, REDACTED])),
    };
  },
  toApi: (decl) => decl,
  exportClean(shape, key) {
    const out = omit(shape, ["id", "enabled", "disabledReason", "createdAt", "updatedAt"]);
    return redactedToEnv(out, [key]) as Shape;
  },
};

const alertRule: KindSpec = {
  section: "alertRules",
  label: "alert rule",
  op: op("AlertRule", "AlertRules"),
  identity: "name",
  toFile(item, refs) {
    const { channelIds, escalation, ...rest } = item;
    const steps = Array.isArray(escalation)
      ? (escalation as Array<{ afterMinutes: number; channelIds: string[] }>)
      : [];
    return {
      ...omit(rest, ["id"]),
      channels: strings(channelIds).map((id) => refs.keyOf("channels", id)),
      escalation: steps.map((s) => ({
        afterMinutes: s.afterMinutes,
        channels: strings(s.channelIds).map((id) => refs.keyOf("channels", id)),
      })),
    };
  },
  toApi(decl, refs) {
    const { channels, escalation, ...rest } = decl;
    const ids = (keys: unknown) => strings(keys).map((k) => refs.idOf("channels", k));
    return omit(
      {
        ...rest,
        channelIds: channels === undefined ? undefined : ids(channels),
        escalation: Array.isArray(escalation)
          ? escalation.map((s: { afterMinutes: number; channels?: unknown }) => ({
              afterMinutes: s.afterMinutes,
              channelIds: ids(s.channels),
            }))
          : undefined,
      },
      [],
    );
  },
  exportClean: (shape) => omit(shape, ["id", "createdAt", "updatedAt"]),
};

const maintenanceWindow: KindSpec = {
  section: "maintenanceWindows",
  label: "maintenance window",
  op: op("MaintenanceWindow", "MaintenanceWindows"),
  identity: "title",
  toFile(item, refs) {
    const { monitorIds, ...rest } = item;
    return { ...omit(rest, ["id"]), monitors: strings(monitorIds).map((id) => refs.keyOf("monitors", id)) };
  },
  toApi(decl, refs) {
    const { monitors, ...rest } = decl;
    return monitors === undefined
      ? rest
      : { ...rest, monitorIds: strings(monitors).map((k) => refs.idOf("monitors", k)) };
  },
  exportClean: (shape) => omit(shape, ["id", "active", "nextOccurrences", "createdAt", "updatedAt"]),
};

interface Group {
  name: string;
  components: Array<{ monitorId?: string; monitor?: string; displayName: string }>;
}

const statusPage: KindSpec = {
  section: "statusPages",
  label: "status page",
  op: op("StatusPage", "StatusPages"),
  identity: "slug",
  toFile(item, refs) {
    const { groups, ...rest } = item;
    return {
      ...omit(rest, ["id"]),
      groups: ((groups as Group[] | undefined) ?? []).map((g) => ({
        name: g.name,
        components: g.components.map((c) => ({
          monitor: refs.keyOf("monitors", String(c.monitorId)),
          displayName: c.displayName,
        })),
      })),
    };
  },
  toApi(decl, refs) {
    const { groups, ...rest } = decl;
    if (!Array.isArray(groups)) return rest;
    return {
      ...rest,
      groups: (groups as Group[]).map((g) => ({
        name: g.name,
        components: (g.components ?? []).map((c) => ({
          monitorId: refs.idOf("monitors", String(c.monitor)),
          displayName: c.displayName,
        })),
      })),
    };
  },
  exportClean(shape, key) {
    const out = omit(shape, ["id", "url", "hasPassword", "createdAt", "updatedAt"]);
    if (shape.visibility === "password") out.password = `\${${envName(key, "password")}}`;
    return out;
  },
};

function op(one: string, many: string): KindSpec["op"] {
  return {
    list: `list${many}`,
    create: `create${one}`,
    update: `update${one}`,
    remove: `delete${one}`,
    keys: `list${one}Keys`,
    setKey: `set${one}Key`,
    deleteKey: `delete${one}Key`,
  };
}

/** The kinds in the order apply creates them (a kind only references kinds before it). */
export const KINDS: KindSpec[] = [channel, monitor, alertRule, maintenanceWindow, statusPage];
