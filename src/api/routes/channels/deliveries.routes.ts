import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listNotifications, retryNotification } from "../../../services/alerts/deliveries.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { Id } from "./channels.routes.ts";

/** The delivery log of the outbox: every notification with its attempts, and retrying a dead letter. */
export function deliveryRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const READ = { auth: { permission: "notifications:read" } } as const;
  const WRITE = { auth: { permission: "notifications:write" } } as const;
  const TAGS = ["channels"];

  return async (app) => {
    app.get(
      "/notifications",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listDeliveries",
          summary: "Deliveries, newest first, with every attempt",
          description:
            "`status=failed` lists the dead letters: deliveries that gave up; retry them one by one.",
          querystring: z.strictObject({
            status: z.enum(["pending", "sending", "sent", "failed"]).optional(),
            channelId: z.string().max(40).optional(),
            monitorId: z.string().max(40).optional(),
            cursor: Cursor,
            limit: pageSize(50),
          }),
          response: {
            200: pageOf(
              z.object({
                id: z.string(),
                channelId: z.string(),
                monitorId: z.string().nullable(),
                event: z.string(),
                status: z.string(),
                attempts: z.number().int(),
                nextAttemptAt: z.string(),
                lastError: z.string().nullable(),
                createdAt: z.string(),
                sentAt: z.string().nullable(),
                deliveryAttempts: z.array(
                  z.object({
                    at: z.string(),
                    outcome: z.string(),
                    statusCode: z.number().int().nullable(),
                    latencyMs: z.number().int(),
                    error: z.string().nullable(),
                  }),
                ),
              }),
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        const page = await listNotifications(ctxFor(deps, request), filter, { cursor, limit });
        return {
          nextCursor: page.nextCursor,
          items: page.items.map((n) => ({
            ...n,
            nextAttemptAt: n.nextAttemptAt.toISOString(),
            createdAt: n.createdAt.toISOString(),
            sentAt: n.sentAt?.toISOString() ?? null,
            deliveryAttempts: n.deliveryAttempts.map((a) => ({ ...a, at: a.at.toISOString() })),
          })),
        };
      },
    );

    app.post(
      "/notifications/:id/retry",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "retryDelivery",
          summary: "Retry a dead letter",
          params: Id,
          response: { 202: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await retryNotification(ctxFor(deps, request), request.params.id);
        return reply.status(202).send(null);
      },
    );
  };
}
