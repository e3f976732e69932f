import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { upsertChannelByKey } from "../../../services/alerts/channel-upsert.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { KeyParams } from "../resource-keys/key-param.ts";
import {
  adapterFor,
  ChannelBody,
  ChannelResponse,
  CreatedChannel,
  checkNewChannel,
  parseSettings,
  present,
} from "./channel-input.ts";
import { checkDialled } from "./dialled.ts";
import { checkTemplateBody } from "./template.schemas.ts";

/** `PUT /channels/by-key/{key}`: create or replace the channel a config-as-code key names. */
export function channelByKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      "/channels/by-key/:key",
      {
        config: { auth: { permission: "notifications:write" } },
        schema: {
          tags: ["channels"],
          operationId: "upsertChannelByKey",
          summary: "Create or replace the channel with this key",
          description:
            "The body is the same as creating a channel. When no channel of the organization has the key, one is created with it (201, `Location`; a webhook without `signingSecret` gets one, returned once in `generatedSecrets`). Otherwise the channel with the key is replaced by the body (200): fields left out return to their defaults, except `secrets`, which stay write-only — those sent replace the stored ones, those left out are kept. A channel's `kind` cannot change (409). One transaction: two requests with the same new key create one channel. Repeating a request changes nothing, so it needs no `Idempotency-Key`. See docs/config-as-code.md#upsert-by-key.",
          params: KeyParams,
          body: ChannelBody,
          response: {
            200: ChannelResponse,
            201: CreatedChannel,
            409: Problem,
            422: Problem,
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const adapter = adapterFor(deps.notify.adapters, body.kind);
        let generated: Record<string, string> = {};
        const { created, channel } = await upsertChannelByKey(ctxFor(deps, request), request.params.key, {
          create: async () => {
            const checked = await checkNewChannel(deps, body);
            generated = checked.generated;
            return { ...body, ...checked.settings };
          },
          // As PATCH: the config is checked here, the secrets once merged with the stored ones.
          replace: async () => {
            checkTemplateBody(body.template);
            const config = adapter.config.safeParse(body.config);
            await checkDialled(
              adapter,
              {
                config: config.success ? (config.data as Record<string, unknown>) : undefined,
                secrets: body.secrets,
              },
              deps.notify.allowPrivate,
            );
            return body;
          },
          validate: (config, secrets) => {
            parseSettings(adapter, config, secrets);
          },
        });
        if (!created) return reply.status(200).send(present(channel));
        const shown = Object.keys(generated).length > 0 ? { generatedSecrets: generated } : {};
        return reply
          .status(201)
          .header("location", `/api/v1/channels/${channel.id}`)
          .send({ ...present(channel), ...shown });
      },
    );
  };
}
