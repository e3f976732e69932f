import { randomBytes } from "node:crypto";
import type { Declared } from "../config/file.ts";
import type { Builder } from "./builder.ts";

type Row = Record<string, unknown>;
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" ? String(v) : undefined;

/**
 * One provider of Gatus' `alerting:` section (its fields as Gatus' alerting/provider/<type>
 * reads them) as an Upblit channel, or undefined when Upblit has no such kind.
 */
export function gatusChannel(b: Builder, type: string, p: Row): Declared | undefined {
  const key = b.key("channels", type);
  const what = `alerting provider ${type}`;
  const secret = (value: unknown, field: string) => b.secret(String(value), "UPBLIT", key, field);
  const base = { key, name: `${type} (from Gatus)` };
  const webhook = (kind: string): Declared | undefined =>
    str(p["webhook-url"])
      ? { ...base, kind, secrets: { webhookUrl: secret(p["webhook-url"], "webhook_url") } }
      : none(b, what, "webhook-url");
  if (p.overrides) b.approx(`${what}: per-group overrides are not imported (one channel per provider)`);
  switch (type) {
    case "slack":
    case "discord":
    case "teams":
    case "googlechat":
      return webhook(type);
    case "teams-workflows":
      return webhook("teams");
    case "mattermost":
      if (!str(p["webhook-url"])) return none(b, what, "webhook-url");
      return {
        ...base,
        kind: "mattermost",
        config: str(p.channel) ? { channel: str(p.channel) } : {},
        secrets: { webhookUrl: secret(p["webhook-url"], "webhook_url") },
      };
    case "matrix":
      if (!str(p["server-url"]) || !str(p["internal-room-id"]) || !str(p["access-token"])) {
        return none(b, what, "server-url, internal-room-id or access-token");
      }
      return {
        ...base,
        kind: "matrix",
        config: { homeserverUrl: str(p["server-url"]), roomId: str(p["internal-room-id"]) },
        secrets: { accessToken: secret(p["access-token"], "access_token") },
      };
    case "telegram": {
      if (!str(p.token) || !str(p.id)) return none(b, what, "token or id");
      const topic = Number(p["topic-id"]);
      return {
        ...base,
        kind: "telegram",
        config: {
          chatId: str(p.id),
          ...(Number.isInteger(topic) && topic > 0 ? { messageThreadId: topic } : {}),
          ...(str(p["api-url"]) ? { apiUrl: str(p["api-url"]) } : {}),
        },
        secrets: { botToken: secret(p.token, "bot_token") },
      };
    }
    case "pagerduty":
      if (!str(p["integration-key"])) return none(b, what, "integration-key");
      return {
        ...base,
        kind: "pagerduty",
        secrets: { routingKey: secret(p["integration-key"], "routing_key") },
      };
    case "opsgenie":
      if (!str(p["api-key"])) return none(b, what, "api-key");
      return {
        ...base,
        kind: "opsgenie",
        config: Array.isArray(p.tags) ? { tags: p.tags.map(String) } : {},
        secrets: { apiKey: secret(p["api-key"], "api_key") },
      };
    case "ntfy":
      if (!str(p.topic)) return none(b, what, "topic");
      if (p.priority !== undefined)
        b.approx(`${what}: priority ${String(p.priority)} follows the event instead`);
      return {
        ...base,
        kind: "ntfy",
        config: { topic: str(p.topic), ...(str(p.url) ? { serverUrl: str(p.url) } : {}) },
        secrets: str(p.token) ? { accessToken: secret(p.token, "access_token") } : {},
      };
    case "gotify":
      if (!str(p["server-url"]) || !str(p.token)) return none(b, what, "server-url or token");
      return {
        ...base,
        kind: "gotify",
        config: { serverUrl: str(p["server-url"]) },
        secrets: { appToken: secret(p.token, "app_token") },
      };
    case "pushover":
      if (!str(p["application-token"]) || !str(p["user-key"]))
        return none(b, what, "application-token or user-key");
      return {
        ...base,
        kind: "pushover",
        config: str(p.device) ? { device: str(p.device) } : {},
        secrets: {
          appToken: secret(p["application-token"], "app_token"),
          userKey: secret(p["user-key"], "user_key"),
        },
      };
    case "email": {
      const to = String(p.to ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (!to.length) return none(b, what, "to");
      b.approx(
        `${what}: mail goes through Upblit's own mail server (SMTP_URL), not ${String(p.host ?? "Gatus'")}`,
      );
      return { ...base, kind: "email", config: { to } };
    }
    case "custom":
      if (!str(p.url)) return none(b, what, "url");
      b.approx(`${what}: becomes a webhook sending Upblit's signed JSON, not the custom body and method`);
      return {
        ...base,
        kind: "webhook",
        config: { url: str(p.url) },
        secrets: { signingSecret: secret(`whsec_${randomBytes(24).toString("base64")}`, "signing_secret") },
      };
    default:
      b.skip(`${what}: Upblit has no ${type} channel`);
      return undefined;
  }
}

function none(b: Builder, what: string, field: string): undefined {
  b.skip(`${what}: no ${field}`);
  return undefined;
}
