import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Ctx } from "../../../services/context.ts";
import { upsertStatusPageByKey } from "../../../services/status-pages/upsert.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { KeyParams } from "../resource-keys/key-param.ts";
import { presentStatusPage } from "./present.ts";
import { CreateStatusPageBody, StatusPageResponse } from "./schemas.ts";
import { LIMITS_TEXT, type StatusPageChanges } from "./status-pages.routes.ts";

/** `PUT /status-pages/by-key/{key}`: create or replace the status page a config-as-code key names. */
export function statusPageByKeyRoutes(deps: ApiDeps, changes: StatusPageChanges): FastifyPluginAsyncZod {
  const present = (page: Parameters<typeof presentStatusPage>[0]) =>
    presentStatusPage(page, deps.auth.publicUrl);
  // As every change of a page: cached public views go here at once, elsewhere through the bus.
  const changed = (ctx: Ctx, pageId: string) => {
    changes.pageChanged(pageId);
    ctx.bus.publish({ type: "status_page.changed", organizationId: ctx.organizationId, pageId });
  };
  return async (app) => {
    app.put(
      "/status-pages/by-key/:key",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "upsertStatusPageByKey",
          summary: "Create or replace the status page with this key",
          description: `The body is the same as creating a status page. When no page of the organization has the key, one is created with it (201, \`Location\`). Otherwise the page with the key is replaced by the body: fields left out return to their defaults, \`groups\` replaces every group and component (200). The password stays write-only: left out, a \`password\` page keeps its own; sent again unchanged, visitors keep their access; a new one ends it. The slug must be free across every organization (409). One transaction: two requests with the same new key create one page. Repeating a request changes nothing, so it needs no \`Idempotency-Key\`. See docs/config-as-code.md#upsert-by-key. ${LIMITS_TEXT}`,
          params: KeyParams,
          body: CreateStatusPageBody,
          response: {
            200: StatusPageResponse,
            201: StatusPageResponse,
            409: Problem,
            429: Problem,
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const ctx = ctxFor(deps, request);
        const { created, page } = await upsertStatusPageByKey(ctx, request.params.key, request.body);
        changed(ctx, page.id);
        if (!created) return reply.status(200).send(present(page));
        return reply.status(201).header("location", `/api/v1/status-pages/${page.id}`).send(present(page));
      },
    );
  };
}
