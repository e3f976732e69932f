import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listNotifications, retryNotification } from "../../../services/alerts/deliveries.ts";
import { lastDeliveryPerChannel, retryNotifications } from "../../../services/alerts/delivery-summary.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { Id } from "./channels.routes.ts";

/** How many dead letters one bulk retry may name (one transaction). */
const MAX_BULK_RETRY = 200;

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
                monitor: z.object({ id: z.string(), name: z.string() }).nullable().meta({
                  description:
                    "The monitor the delivery is about, with its current name; null when the delivery has no monitor, or once the monitor was deleted (`monitorId` stays set)",
                }),
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

    app.post(
      "/notifications/retry",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "retryDeliveries",
          summary: "Retry several dead letters",
          description:
            "Each id that is a failed delivery of the organization goes back to pending now, with a fresh retry window; the others are skipped (not an error) and left out of `retried`.",
          body: z.strictObject({ ids: z.array(z.string().max(40)).min(1).max(MAX_BULK_RETRY) }),
          response: { 202: z.object({ retried: z.array(z.string()) }), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const result = await retryNotifications(ctxFor(deps, request), request.body.ids);
        return reply.status(202).send(result);
      },
    );

    app.get(
      "/notifications/last-per-channel",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listLastDeliveryPerChannel",
          summary: "Each channel's newest delivery and its latest attempt",
          description: "Channels that never had a delivery are absent.",
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  channelId: z.string(),
                  notificationId: z.string(),
                  event: z.string(),
                  status: z.string(),
                  createdAt: z.string(),
                  lastAttempt: z
                    .object({
                      at: z.string(),
                      outcome: z.string(),
                      statusCode: z.number().int().nullable(),
                      error: z.string().nullable(),
                    })
                    .nullable(),
                }),
              ),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const items = await lastDeliveryPerChannel(ctxFor(deps, request));
        return {
          items: items.map((d) => ({
            ...d,
            createdAt: d.createdAt.toISOString(),
            lastAttempt: d.lastAttempt && { ...d.lastAttempt, at: d.lastAttempt.at.toISOString() },
          })),
        };
      },
    );
  };
}
