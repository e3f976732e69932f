import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Ctx } from "../../../services/context.ts";
import {
  createStatusPage,
  deleteStatusPage,
  getStatusPage,
  listStatusPages,
  updateStatusPage,
} from "../../../services/status-pages/pages.ts";
import { STATUS_PAGE_LIMITS } from "../../../services/status-pages/types.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { presentStatusPage } from "./present.ts";
import { CreateStatusPageBody, StatusPageResponse, UpdateStatusPageBody } from "./schemas.ts";

const Id = z.object({ id: z.string().max(40) });

/** Told after every committed change of a page, so cached public views of it are dropped. */
export interface StatusPageChanges {
  pageChanged(pageId: string): void;
}

export const LIMITS_TEXT = `At most ${STATUS_PAGE_LIMITS.pagesPerOrg} pages per organization, ${STATUS_PAGE_LIMITS.groupsPerPage} groups and ${STATUS_PAGE_LIMITS.componentsPerPage} components per page, ${STATUS_PAGE_LIMITS.footerLinks} footer links.`;

/** Managing public status pages: settings, visibility and the components they show (docs/status-pages.md). */
export function statusPageRoutes(deps: ApiDeps, changes: StatusPageChanges): FastifyPluginAsyncZod {
  const present = (page: Parameters<typeof presentStatusPage>[0]) =>
    presentStatusPage(page, deps.auth.publicUrl);
  // This process's cached views go at once; other processes' through the live bus, within a second.
  const changed = (ctx: Ctx, pageId: string) => {
    changes.pageChanged(pageId);
    ctx.bus.publish({ type: "status_page.changed", organizationId: ctx.organizationId, pageId });
  };
  return async (app) => {
    app.get(
      "/status-pages",
      {
        config: { auth: { permission: "status-pages:read" } },
        schema: {
          tags: ["status-pages"],
          operationId: "listStatusPages",
          summary: "The organization's status pages, oldest first",
          response: { 200: z.object({ items: z.array(StatusPageResponse) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({ items: (await listStatusPages(ctxFor(deps, request))).map(present) }),
    );

    app.post(
      "/status-pages",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "createStatusPage",
          summary: "Create a status page",
          description: `The slug must be free across every organization. Components are the organization's own monitors, shown under display names in ordered groups. Visibility \`password\` needs \`password\`. ${LIMITS_TEXT}`,
          body: CreateStatusPageBody,
          response: { 201: StatusPageResponse, 409: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const ctx = ctxFor(deps, request);
        const page = await createStatusPage(ctx, request.body);
        changed(ctx, page.id);
        return reply.status(201).send(present(page));
      },
    );

    app.get(
      "/status-pages/:id",
      {
        config: { auth: { permission: "status-pages:read" } },
        schema: {
          tags: ["status-pages"],
          operationId: "getStatusPage",
          summary: "A status page with its groups and components",
          params: Id,
          response: { 200: StatusPageResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => present(await getStatusPage(ctxFor(deps, request), request.params.id)),
    );

    app.patch(
      "/status-pages/:id",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "updateStatusPage",
          summary: "Change a status page",
          description:
            "Absent fields keep their value; `groups` replaces every group and component (a group keeps its id while its name stays). A new password, or leaving visibility `password`, ends every visitor's access. The public page reflects the change at once.",
          params: Id,
          body: UpdateStatusPageBody,
          response: { 200: StatusPageResponse, 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        const page = await updateStatusPage(ctx, request.params.id, request.body);
        changed(ctx, page.id);
        return present(page);
      },
    );

    app.delete(
      "/status-pages/:id",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "deleteStatusPage",
          summary: "Delete a status page (its monitors stay)",
          params: Id,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const ctx = ctxFor(deps, request);
        await deleteStatusPage(ctx, request.params.id);
        changed(ctx, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
