import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import type { ChannelAdapter } from "../../../notify/channels/types.ts";
import { channelForSending } from "../../../services/alerts/channels.ts";
import { PREVIEW_EVENTS, previewChannel } from "../../../services/alerts/preview.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { toFieldIssues } from "../../field-errors.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { safeText } from "../../text.ts";
import { checkTemplateBody, TemplateBody } from "./template.schemas.ts";

const Id = z.object({ id: z.string().max(40) });
const Settings = z.record(z.string().max(64), z.unknown());
const Sample = {
  event: z.enum(PREVIEW_EVENTS).meta({ description: "Which message to show: sample data, or the test-send" }),
  drill: z.boolean().default(false).meta({ description: "Show the message as a drill would send it" }),
};

const PreviewResponse = z
  .object({
    requests: z.array(
      z.object({
        method: z.string().meta({ description: "`SMTP` for email" }),
        url: z.string().meta({ description: "`mailto:` recipients for email" }),
        headers: z.record(z.string(), z.string()),
        body: z.string().meta({ description: "Exactly as sent (JSON as text); the text part for email" }),
        html: z.string().optional().meta({ description: "The HTML part of an email" }),
      }),
    ),
    error: z.string().nullable().meta({ description: "Why no request would be made" }),
  })
  .meta({ id: "ChannelPreview" });

/**
 * Settings of an unsaved channel: the kind's own schemas, every problem under body.config or
 * body.secrets. Secrets left out get a placeholder that fits the kind (they are shown as `•••`).
 */
function settingsFor(adapter: ChannelAdapter, config: unknown, secrets: Record<string, unknown>) {
  const c = adapter.config.safeParse(config);
  const s = adapter.secrets.safeParse({ ...PLACEHOLDER_SECRETS[adapter.kind], ...secrets });
  const issues = (prefix: string, error: z.ZodError | undefined) =>
    error
      ? toFieldIssues(
          prefix,
          error.issues.map((i) => ({ ...i, keys: "keys" in i ? i.keys : undefined })),
        )
      : [];
  const errors = [...issues("body.config", c.error), ...issues("body.secrets", s.error)];
  if (errors.length > 0)
    throw new AppError("VALIDATION", `${errors.length} invalid channel setting(s)`, { errors });
  return { config: c.data as Record<string, unknown>, secrets: s.data as Record<string, unknown> };
}

/** Secrets that satisfy each kind's schema, for previews of a channel whose secrets are not given. */
const PLACEHOLDER_SECRETS: Record<string, Record<string, string>> = {
  webhook: { signingSecret: `whsec_${Buffer.alloc(32).toString("base64")}` },
  slack: { webhookUrl: "https://hooks.slack.com/services/T00000000/B00000000/placeholder" },
  discord: { webhookUrl: "https://discord.com/api/webhooks/0/placeholder" },
  teams: { webhookUrl: "https://example.webhook.office.com/workflows/placeholder" },
  googlechat: {
    webhookUrl: "https://chat.googleapis.com/v1/spaces/placeholder/messages?key=key&token=token",
  },
  mattermost: { webhookUrl: "https://mattermost.example.com/hooks/placeholder" },
  matrix: { accessToken: "placeholder-access-token" },
  telegram: { botToken: "123456789:placeholder-placeholder-placeholder" },
  pagerduty: { routingKey: "placeholder0placeholder0placeholder" },
  opsgenie: { apiKey: "placeholder-api-key" },
  gotify: { appToken: "placeholder-app-token" },
  pushover: { appToken: "placeholder0placeholder0placeh", userKey: "placeholder0placeholder0placeh" },
};

/** Previews: the exact requests a channel would make, from its real adapter, sent nowhere. */
export function channelPreviewRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const adapterOf = (kind: string) => {
    const adapter = deps.notify.adapters.get(kind);
    if (adapter) return adapter;
    throw new AppError("VALIDATION", `Unknown channel kind ${kind}`, {
      errors: [
        { path: "body.kind", message: `must be one of ${[...deps.notify.adapters.keys()].join(", ")}` },
      ],
    });
  };
  const WRITE = { auth: { permission: "notifications:write" } } as const;
  const description =
    "Runs the channel's real adapter on sample data (or the test-send's message) and returns the request(s) it would make (method, URL, headers, body), sending nothing. Secrets are shown as `•••`; the User-Agent header is added when sent.";

  return async (app) => {
    app.post(
      "/channels/preview",
      {
        config: WRITE,
        schema: {
          tags: ["channels"],
          operationId: "previewNewChannel",
          summary: "Preview the messages of a channel not saved yet",
          description: `${description} Secrets left out are filled with placeholders.`,
          body: z.strictObject({
            kind: z.string().max(40),
            name: safeText(100).default("new channel"),
            config: Settings.default({}),
            secrets: Settings.default({}),
            template: TemplateBody.nullable().default(null),
            ...Sample,
          }),
          response: { 200: PreviewResponse, 422: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const body = request.body;
        const settings = settingsFor(adapterOf(body.kind), body.config, body.secrets);
        checkTemplateBody(body.template);
        const channel = {
          id: "chn_preview",
          name: body.name,
          kind: body.kind,
          template: body.template,
          ...settings,
        };
        return previewChannel(ctxFor(deps, request), deps.notify, channel, body);
      },
    );

    app.post(
      "/channels/:id/preview",
      {
        config: WRITE,
        schema: {
          tags: ["channels"],
          operationId: "previewChannel",
          summary: "Preview a channel's messages",
          description: `${description} Give \`template\` to try one before saving it (\`null\`: the default wording).`,
          params: Id,
          body: z.strictObject({ template: TemplateBody.nullable().optional(), ...Sample }),
          response: { 200: PreviewResponse, 422: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        checkTemplateBody(request.body.template);
        const { channel, secrets } = await channelForSending(ctx, request.params.id);
        const template = request.body.template === undefined ? channel.template : request.body.template;
        return previewChannel(ctx, deps.notify, { ...channel, secrets, template }, request.body);
      },
    );
  };
}
