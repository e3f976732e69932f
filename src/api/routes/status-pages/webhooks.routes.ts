import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createPageWebhook,
  deletePageWebhook,
  listPageWebhooks,
  MAX_WEBHOOKS_PER_PAGE,
  type PageWebhook,
} from "../../../services/status-subscriptions/webhooks.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";

const PageParams = z.object({ id: z.string().max(40) });
const WebhookParams = z.object({ id: z.string().max(40), webhookId: z.string().max(40) });
const CreateBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: "an http or https URL" })
    .max(2048)
    .refine((raw) => {
      const url = URL.canParse(raw) ? new URL(raw) : null;
      return !url?.username && !url?.password;
    }, "credentials in the URL are not allowed")
    .meta({ example: "https://hooks.example.com/upblit-status" }),
  components: z
    .array(z.string().max(40))
    .max(100)
    .default([])
    .meta({ description: "Component (monitor) ids; empty = every component" }),
});

const WebhookResponse = z.object({
  id: z.string(),
  pageId: z.string(),
  url: z.string(),
  components: z.array(z.string()),
  createdAt: z.string(),
});
const CreatedResponse = WebhookResponse.extend({
  secret: z.string().meta({ description: "The Standard Webhooks signing secret (whsec_…); shown only now" }),
});

function present(w: PageWebhook): z.infer<typeof WebhookResponse> {
  return { ...w, createdAt: w.createdAt.toISOString() };
}

/** Webhook subscriptions of a status page: signed POSTs of its notices (docs/status-pages.md). */
export function statusPageWebhookRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/status-pages/:id/webhooks",
      {
        config: { auth: { permission: "status-pages:read" } },
        schema: {
          tags: ["status-pages"],
          operationId: "listStatusPageWebhooks",
          summary: "The page's webhook subscriptions (without secrets)",
          params: PageParams,
          response: { 200: z.object({ items: z.array(WebhookResponse) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({
        items: (await listPageWebhooks(ctxFor(deps, request), request.params.id)).map(present),
      }),
    );

    app.post(
      "/status-pages/:id/webhooks",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "createStatusPageWebhook",
          summary: "Subscribe a URL to the page's incident notices",
          description: `Notices are POSTed as JSON signed per Standard Webhooks with the returned secret, which is shown only in this answer. At most ${MAX_WEBHOOKS_PER_PAGE} per page.`,
          params: PageParams,
          body: CreateBody,
          response: { 201: CreatedResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const created = await createPageWebhook(ctxFor(deps, request), request.params.id, request.body);
        return reply.status(201).send({ ...present(created), secret: created.secret });
      },
    );

    app.delete(
      "/status-pages/:id/webhooks/:webhookId",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "deleteStatusPageWebhook",
          summary: "Remove a webhook subscription",
          params: WebhookParams,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deletePageWebhook(ctxFor(deps, request), request.params.id, request.params.webhookId);
        return reply.status(204).send(null);
      },
    );
  };
}
