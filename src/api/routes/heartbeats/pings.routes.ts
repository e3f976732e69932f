import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type PingView, pingsOf, pingWithBody } from "../../../services/heartbeats/pings.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";

const PingFields = {
  id: z.string(),
  kind: z.enum(["success", "start", "fail", "log", "exit"]),
  exitStatus: z.number().nullable(),
  at: z.string(),
  rid: z.string().nullable(),
  method: z.string(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  bodyBytes: z
    .number()
    .meta({ description: "The body's size as sent; at most Ping-Body-Limit bytes are stored" }),
  durationMs: z
    .number()
    .nullable()
    .meta({ description: "From the run's start ping, on the ping that ended it" }),
};
const PingSummary = z.object({ ...PingFields, excerpt: z.string() }).meta({ id: "Ping" });
const PingDetail = z.object({ ...PingFields, body: z.string() }).meta({ id: "PingWithBody" });

const present = <T extends PingView>(p: T) => ({ ...p, at: p.at.toISOString() });

/** A heartbeat monitor's pings (docs/heartbeats.md). */
export function pingListRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/monitors/:id/pings",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          operationId: "listPings",
          summary: "A heartbeat monitor's pings, newest first",
          params: z.object({ id: z.string().max(40) }),
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z
              .string()
              .max(40)
              .optional()
              .meta({ description: "A ping id from the last page: the pings older than it" }),
          }),
          response: { 200: z.object({ items: z.array(PingSummary) }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const items = await pingsOf(ctxFor(deps, request), request.params.id, { limit, before: cursor });
        return { items: items.map(present) };
      },
    );

    app.get(
      "/monitors/:id/pings/:pingId",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          operationId: "getPing",
          summary: "One ping with its stored body",
          params: z.object({ id: z.string().max(40), pingId: z.string().max(40) }),
          response: { 200: PingDetail, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        present(await pingWithBody(ctxFor(deps, request), request.params.id, request.params.pingId)),
    );
  };
}
