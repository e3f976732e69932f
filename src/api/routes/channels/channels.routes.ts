import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  channelForSending,
  createChannel,
  deleteChannel,
  getChannel,
  getMonitorChannels,
  listChannels,
  setMonitorChannels,
  updateChannel,
} from "../../../services/alerts/channels.ts";
import { testMessage } from "../../../services/alerts/test-message.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { safeText } from "../../text.ts";
import {
  adapterFor,
  ChannelBody,
  ChannelResponse,
  CreatedChannel,
  checkNewChannel,
  Events,
  parseSettings,
  present,
  Settings,
} from "./channel-input.ts";
import { checkDialled } from "./dialled.ts";
import { ChannelKind, describeKind } from "./kind-schemas.ts";
import { checkTemplateBody, TemplateBody } from "./template.schemas.ts";

export const Id = z.object({ id: z.string().max(40) });

/** Notification channels, which monitors use them and test-sends (the delivery log: deliveries.routes.ts). */
export function channelRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const adapters = deps.notify.adapters;
  const adapterOf = (kind: string) => adapterFor(adapters, kind);
  const READ = { auth: { permission: "notifications:read" } } as const;
  const WRITE = { auth: { permission: "notifications:write" } } as const;
  const TAGS = ["channels"];

  return async (app) => {
    app.get(
      "/channel-kinds",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listChannelKinds",
          summary: "The kinds of channel this server can deliver to, with their settings' schemas",
          response: {
            200: z.object({ items: z.array(ChannelKind) }),
            ...COMMON_ERRORS,
          },
        },
      },
      async () => ({ items: [...adapters.values()].map(describeKind) }),
    );

    app.post(
      "/channels",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "createChannel",
          summary: "Create a notification channel",
          description:
            "`secrets` are stored encrypted and never returned (write-only). A webhook channel created without `signingSecret` gets a generated one, returned once in `generatedSecrets`. Addresses Upblit will connect to (a webhook URL, a self-hosted server) are checked against the egress rules when saved and again at every connection.",
          body: ChannelBody,
          response: { 201: CreatedChannel, 422: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const { settings, generated } = await checkNewChannel(deps, body);
        const channel = await createChannel(ctxFor(deps, request), { ...body, ...settings });
        const created = Object.keys(generated).length > 0 ? { generatedSecrets: generated } : {};
        return reply
          .status(201)
          .header("location", `/api/v1/channels/${channel.id}`)
          .send({ ...present(channel), ...created });
      },
    );

    app.get(
      "/channels",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listChannels",
          summary: "List notification channels",
          querystring: z.strictObject({ cursor: Cursor, limit: pageSize(50) }),
          response: { 200: pageOf(ChannelResponse), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const page = await listChannels(ctxFor(deps, request), request.query);
        return { items: page.items.map(present), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/channels/:id",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getChannel",
          summary: "Get a channel",
          params: Id,
          response: { 200: ChannelResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => present(await getChannel(ctxFor(deps, request), request.params.id)),
    );

    app.patch(
      "/channels/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "updateChannel",
          summary: "Change a channel",
          description:
            "`config` replaces the settings; `secrets` keys replace stored ones, absent keys are kept. Addresses given are checked against the egress rules, as on create. Saving re-enables a channel a receiver disabled.",
          params: Id,
          body: z.strictObject({
            name: safeText(100).optional(),
            config: Settings.optional(),
            secrets: Settings.optional(),
            isDefault: z.boolean().optional(),
            events: Events.optional(),
            template: TemplateBody.nullable()
              .optional()
              .meta({ description: "null returns to the default wording" }),
          }),
          response: { 200: ChannelResponse, 422: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        checkTemplateBody(request.body.template);
        const current = await getChannel(ctx, request.params.id);
        const adapter = adapterOf(current.kind);
        const config = request.body.config && adapter.config.safeParse(request.body.config);
        await checkDialled(
          adapter,
          {
            config: config?.success ? (config.data as Record<string, unknown>) : undefined,
            secrets: request.body.secrets,
          },
          deps.notify.allowPrivate,
        );
        const updated = await updateChannel(ctx, current.id, request.body, (config, secrets) => {
          parseSettings(adapter, config, secrets);
        });
        return present(updated);
      },
    );

    app.delete(
      "/channels/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "deleteChannel",
          summary: "Delete a channel",
          params: Id,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteChannel(ctxFor(deps, request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/channels/:id/test",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "testChannel",
          summary: "Send a test message now",
          description:
            "Sends a message marked as a test through the channel and reports what the receiver answered. An address that is refused and one that does not answer report the same.",
          params: Id,
          response: {
            200: z.object({
              ok: z.boolean(),
              statusCode: z.number().int().nullable(),
              error: z.string().nullable(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        const { channel, secrets } = await channelForSending(ctx, request.params.id);
        const message = await testMessage(ctx, channel);
        const outcome = await deps.notify.send(ctx, {
          kind: channel.kind,
          config: channel.config,
          secrets,
          template: channel.template,
          message,
        });
        if (outcome.ok) return { ok: true, statusCode: outcome.statusCode ?? null, error: null };
        // No oracle: a refused address and an unreachable one read the same.
        const error = outcome.statusCode ? outcome.error : "could not connect to the receiver";
        return { ok: false, statusCode: outcome.statusCode ?? null, error };
      },
    );

    app.get(
      "/monitors/:id/channels",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: TAGS,
          operationId: "getMonitorChannels",
          summary: "The channels a monitor alerts besides the defaults",
          params: Id,
          response: { 200: z.object({ channelIds: z.array(z.string()) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({ channelIds: await getMonitorChannels(ctxFor(deps, request), request.params.id) }),
    );

    app.put(
      "/monitors/:id/channels",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: TAGS,
          operationId: "setMonitorChannels",
          summary: "Set the channels a monitor alerts besides the defaults",
          params: Id,
          body: z.strictObject({ channelIds: z.array(z.string().max(40)).max(50) }),
          response: { 200: z.object({ channelIds: z.array(z.string()) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({
        channelIds: await setMonitorChannels(
          ctxFor(deps, request),
          request.params.id,
          request.body.channelIds,
        ),
      }),
    );
  };
}
