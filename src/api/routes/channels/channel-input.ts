import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import type { ChannelAdapter } from "../../../notify/channels/types.ts";
import { CHANNEL_EVENTS, type getChannel } from "../../../services/alerts/channels.ts";
import type { ApiDeps } from "../../context.ts";
import { toFieldIssues } from "../../field-errors.ts";
import { safeText } from "../../text.ts";
import { checkDialled } from "./dialled.ts";
import { checkTemplateBody, TemplateBody, TemplateResponse } from "./template.schemas.ts";

/** A channel's request and response shapes and the checks of a new one: shared by create and upsert by key. */
export const Settings = z.record(z.string().max(64), z.unknown()).meta({
  description:
    "Depends on `kind`; see docs/channels-webhook-email.md, docs/channels-chat.md and docs/channels-paging-push.md",
});
export const Events = z.array(z.enum(CHANNEL_EVENTS)).min(1).max(CHANNEL_EVENTS.length);

export const ChannelResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    config: z.record(z.string(), z.unknown()),
    secretsSet: z
      .array(z.string())
      .meta({ description: "Secret settings that are set; their values are write-only" }),
    isDefault: z.boolean(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    template: TemplateResponse,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Channel" });

export const CreatedChannel = ChannelResponse.extend({
  generatedSecrets: z.record(z.string(), z.string()).optional().meta({
    description:
      "Secrets Upblit generated because the request left them out (a webhook's `signingSecret`). Shown only in this answer: store them now.",
  }),
}).meta({ id: "CreatedChannel" });

type View = Awaited<ReturnType<typeof getChannel>>;
export const present = (c: View) => ({
  ...c,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

/** Parses a kind's settings with its own schemas; every problem is reported under body.config/secrets. */
export function parseSettings(adapter: ChannelAdapter, config: unknown, secrets: unknown) {
  const c = adapter.config.safeParse(config);
  const s = adapter.secrets.safeParse(secrets);
  const errors = [
    ...(c.success
      ? []
      : toFieldIssues(
          "body.config",
          c.error.issues.map((i) => ({ ...i, keys: "keys" in i ? i.keys : undefined })),
        )),
    ...(s.success
      ? []
      : toFieldIssues(
          "body.secrets",
          s.error.issues.map((i) => ({ ...i, keys: "keys" in i ? i.keys : undefined })),
        )),
  ];
  if (errors.length > 0)
    throw new AppError("VALIDATION", `${errors.length} invalid channel setting(s)`, { errors });
  return { config: c.data as Record<string, unknown>, secrets: s.data as Record<string, unknown> };
}

/** The body of creating a channel (and of an upsert by key). */
export const ChannelBody = z.strictObject({
  name: safeText(100),
  kind: z.string().max(40),
  config: Settings.default({}),
  secrets: Settings.default({}),
  isDefault: z.boolean().default(false).meta({ description: "Alert for every monitor of the organization" }),
  events: Events.default(["down", "up"]),
  template: TemplateBody.nullable().default(null),
});
export type ChannelBody = z.infer<typeof ChannelBody>;

/** The adapter of a kind this server delivers to; an unknown kind is refused at `body.kind`. */
export function adapterFor(adapters: ReadonlyMap<string, ChannelAdapter>, kind: string): ChannelAdapter {
  const adapter = adapters.get(kind);
  if (!adapter) {
    throw new AppError("VALIDATION", `Unknown channel kind ${kind}`, {
      errors: [{ path: "body.kind", message: `must be one of ${[...adapters.keys()].join(", ")}` }],
    });
  }
  return adapter;
}

/**
 * What creating a channel checks before it is saved: the kind's settings (with the secrets it
 * generates), the template, the addresses it will dial, and a mail server for email channels.
 */
export async function checkNewChannel(deps: ApiDeps, body: ChannelBody) {
  const adapter = adapterFor(deps.notify.adapters, body.kind);
  const generated = adapter.generateSecrets?.(body.secrets) ?? {};
  const settings = parseSettings(adapter, body.config, { ...body.secrets, ...generated });
  checkTemplateBody(body.template);
  await checkDialled(adapter, settings, deps.notify.allowPrivate);
  if (body.kind === "email" && !deps.rt.mailer.enabled) {
    throw new AppError("PRECONDITION_FAILED", "Email channels need a mail server: set SMTP_URL", {
      errors: [{ path: "body.kind", message: "no SMTP server is configured" }],
    });
  }
  return { adapter, settings, generated };
}
