import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  deleteSubscriber,
  listSubscribers,
  type Subscriber,
} from "../../../services/status-subscriptions/admin.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";

const PageParams = z.object({ id: z.string().max(40) });
const SubscriberParams = z.object({ id: z.string().max(40), subscriberId: z.string().max(40) });
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(40).optional(),
});

const SubscriberResponse = z.object({
  id: z.string(),
  email: z.string(),
  components: z.array(z.string()).meta({ description: "Component (monitor) ids followed; empty = all" }),
  confirmed: z.boolean(),
  confirmedAt: z.string().nullable(),
  expiresAt: z.string().nullable().meta({ description: "When an unconfirmed subscription lapses" }),
  createdAt: z.string(),
});

function present(s: Subscriber): z.infer<typeof SubscriberResponse> {
  return {
    ...s,
    confirmedAt: s.confirmedAt?.toISOString() ?? null,
    expiresAt: s.expiresAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

/**
 * The email subscribers of a status page, for its organization's members: list and remove
 * (docs/status-pages.md, "Subscriptions"). People subscribe on the public page, not here.
 */
export function statusPageSubscriberRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/status-pages/:id/subscribers",
      {
        config: { auth: { permission: "status-pages:read" } },
        schema: {
          tags: ["status-pages"],
          operationId: "listStatusPageSubscribers",
          summary: "The page's email subscribers (confirmed and pending)",
          params: PageParams,
          querystring: ListQuery,
          response: {
            200: z.object({ items: z.array(SubscriberResponse), nextCursor: z.string().nullable() }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const page = await listSubscribers(ctxFor(deps, request), request.params.id, request.query);
        return { items: page.items.map(present), nextCursor: page.nextCursor };
      },
    );

    app.delete(
      "/status-pages/:id/subscribers/:subscriberId",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "removeStatusPageSubscriber",
          summary: "Remove a subscriber (no further mail is sent to it)",
          params: SubscriberParams,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteSubscriber(ctxFor(deps, request), request.params.id, request.params.subscriberId);
        return reply.status(204).send(null);
      },
    );
  };
}
