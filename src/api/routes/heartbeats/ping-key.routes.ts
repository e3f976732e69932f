import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { getPingKey, rotatePingKey } from "../../../services/heartbeats/ping-key.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";

const PingKey = z
  .object({
    pingKey: z.string().nullable().meta({
      description: "24 characters; null until one is made. The readable ping URL is /ping/{pingKey}/{slug}",
    }),
    createdAt: z.string().nullable(),
  })
  .meta({ id: "PingKey" });

/** The organization's ping key, for the heartbeats' readable ping URLs (docs/heartbeats.md). */
export function pingKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/ping-key",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          operationId: "getPingKey",
          summary: "The organization's ping key for readable heartbeat ping URLs",
          response: { 200: PingKey, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const key = await getPingKey(ctxFor(deps, request));
        return { pingKey: key.pingKey, createdAt: key.createdAt?.toISOString() ?? null };
      },
    );

    app.post(
      "/ping-key",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          operationId: "rotatePingKey",
          summary: "Make the organization's ping key, or replace it",
          description:
            "The old key stops working at once: every job that pings /ping/{old key}/{slug} must be given the new one. Ping tokens are not affected.",
          response: { 200: PingKey, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const key = await rotatePingKey(ctxFor(deps, request));
        return { pingKey: key.pingKey, createdAt: key.createdAt.toISOString() };
      },
    );
  };
}
