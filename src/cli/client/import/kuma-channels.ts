import { randomBytes } from "node:crypto";
import type { Declared } from "../config/file.ts";
import type { Builder } from "./builder.ts";

type Config = Record<string, unknown>;
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/**
 * One Uptime Kuma notification (its `config` JSON, as Kuma's notification providers read it) as
 * an Upblit channel, or undefined when Upblit has no such kind. Secrets become `${ENV}` references.
 */
export function kumaChannel(b: Builder, key: string, name: string, c: Config): Declared | undefined {
  const type = String(c.type ?? "");
  const what = `notification "${name}" (${type})`;
  const secret = (value: unknown, field: string) => b.secret(String(value ?? ""), "UPBLIT", key, field);
  const base = { key, name, isDefault: c.isDefault === true };
  const webhookOnly = (kind: string, url: unknown): Declared | undefined => {
    if (!str(url)) return missing(b, what, "webhook URL");
    return { ...base, kind, secrets: { webhookUrl: secret(url, "webhook_url") } };
  };
  switch (type) {
    case "slack":
      if (c.slackchannel || c.slackusername)
        b.approx(`${what}: channel and username come from the Slack webhook itself`);
      return webhookOnly("slack", c.slackwebhookURL);
    case "discord":
      return webhookOnly("discord", c.discordWebhookUrl);
    case "teams":
      return webhookOnly("teams", c.webhookUrl);
    case "GoogleChat":
      return webhookOnly("googlechat", c.googleChatWebhookURL);
    case "mattermost": {
      if (!str(c.mattermostWebhookUrl)) return missing(b, what, "webhook URL");
      return {
        ...base,
        kind: "mattermost",
        config: compact({
          channel: str(c.mattermostchannel),
          username: str(c.mattermostusername),
          iconUrl: str(c.mattermosticonurl),
        }),
        secrets: { webhookUrl: secret(c.mattermostWebhookUrl, "webhook_url") },
      };
    }
    case "matrix":
      if (!str(c.homeserverUrl) || !str(c.internalRoomId)) return missing(b, what, "homeserver or room");
      return {
        ...base,
        kind: "matrix",
        config: { homeserverUrl: str(c.homeserverUrl), roomId: str(c.internalRoomId) },
        secrets: { accessToken: secret(c.accessToken, "access_token") },
      };
    case "telegram": {
      if (!str(c.telegramBotToken) || !str(c.telegramChatID)) return missing(b, what, "bot token or chat id");
      const thread = Number(c.telegramMessageThreadID);
      return {
        ...base,
        kind: "telegram",
        config: compact({
          chatId: String(c.telegramChatID),
          messageThreadId: Number.isInteger(thread) && thread > 0 ? thread : undefined,
          apiUrl: str(c.telegramServerUrl),
        }),
        secrets: { botToken: secret(c.telegramBotToken, "bot_token") },
      };
    }
    case "PagerDuty":
      if (!str(c.pagerdutyIntegrationKey)) return missing(b, what, "integration key");
      if (c.pagerdutyPriority)
        b.approx(
          `${what}: priority ${String(c.pagerdutyPriority)} is not sent (PagerDuty uses the event's severity)`,
        );
      return {
        ...base,
        kind: "pagerduty",
        secrets: { routingKey: secret(c.pagerdutyIntegrationKey, "routing_key") },
      };
    case "Opsgenie":
      if (!str(c.opsgenieApiKey)) return missing(b, what, "API key");
      return {
        ...base,
        kind: "opsgenie",
        config: c.opsgenieRegion === "eu" ? { apiUrl: "https://api.eu.opsgenie.com" } : {},
        secrets: { apiKey: secret(c.opsgenieApiKey, "api_key") },
      };
    case "ntfy":
      if (!str(c.ntfytopic)) return missing(b, what, "topic");
      if (c.ntfyAuthenticationMethod === "usernamePassword") {
        b.approx(`${what}: username/password sign-in is not supported; set an access token instead`);
      }
      return {
        ...base,
        kind: "ntfy",
        config: compact({ serverUrl: str(c.ntfyserverurl), topic: str(c.ntfytopic) }),
        secrets: str(c.ntfyaccesstoken) ? { accessToken: secret(c.ntfyaccesstoken, "access_token") } : {},
      };
    case "gotify":
      if (!str(c.gotifyserverurl) || !str(c.gotifyapplicationToken))
        return missing(b, what, "server URL or token");
      return {
        ...base,
        kind: "gotify",
        config: { serverUrl: str(c.gotifyserverurl) },
        secrets: { appToken: secret(c.gotifyapplicationToken, "app_token") },
      };
    case "pushover":
      if (!str(c.pushoverapptoken) || !str(c.pushoveruserkey))
        return missing(b, what, "app token or user key");
      return {
        ...base,
        kind: "pushover",
        config: compact({ device: str(c.pushoverdevice) }),
        secrets: {
          appToken: secret(c.pushoverapptoken, "app_token"),
          userKey: secret(c.pushoveruserkey, "user_key"),
        },
      };
    case "webhook": {
      if (!str(c.webhookURL)) return missing(b, what, "URL");
      b.approx(
        `${what}: sends Upblit's signed JSON (Standard Webhooks) instead of Kuma's ${String(c.webhookContentType ?? "json")} body; a signing secret was made`,
      );
      let headers: Record<string, string> | undefined;
      if (str(c.webhookAdditionalHeaders)) {
        try {
          headers = JSON.parse(String(c.webhookAdditionalHeaders)) as Record<string, string>;
        } catch {
          b.approx(`${what}: its additional headers are not JSON and were left out`);
        }
      }
      return {
        ...base,
        kind: "webhook",
        config: compact({ url: str(c.webhookURL), headers }),
        secrets: { signingSecret: secret(`whsec_${randomBytes(24).toString("base64")}`, "signing_secret") },
      };
    }
    case "smtp": {
      const to = String(c.smtpTo ?? "")
        .split(/[,;]/)
        .map((s) => s.trim())
        .filter(Boolean);
      if (!to.length) return missing(b, what, "recipient");
      b.approx(
        `${what}: mail goes through Upblit's own mail server (SMTP_URL), not ${String(c.smtpHost ?? "Kuma's")}`,
      );
      return { ...base, kind: "email", config: { to } };
    }
    default:
      b.skip(`${what}: Upblit has no ${type || "unnamed"} channel`);
      return undefined;
  }
}

function missing(b: Builder, what: string, field: string): undefined {
  b.skip(`${what}: no ${field}`);
  return undefined;
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
