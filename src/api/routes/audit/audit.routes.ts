import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listAuditLog } from "../../../services/audit/query.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { dateTimeQuery } from "../../query-dates.ts";

const Id = z.string().max(40);

const AuditQuery = z.strictObject({
  actor: Id.optional().meta({ description: "A user id (usr_…) or API key id (key_…)" }),
  action: z
    .string()
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]*)?$/, "must be an action (`monitor.update`) or a prefix ending in a dot")
    .max(100)
    .optional()
    .meta({ description: "An exact action, or a prefix ending in a dot (`monitor.`)" }),
  targetType: z.string().max(40).optional().meta({ example: "monitor" }),
  targetId: Id.optional(),
  from: dateTimeQuery("Entries at or after this time").optional(),
  to: dateTimeQuery("Entries before this time").optional(),
  cursor: Cursor,
  limit: pageSize(50),
});

const AuditEntryResponse = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({
      type: z.enum(["user", "api_key", "system"]),
      id: z.string().nullable(),
      label: z.string().nullable().meta({ description: "The person's email or the key's prefix" }),
    }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "AuditEntry" });

/** The organization's audit log: who changed what, from where, newest first. */
export function auditRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/audit-log",
      {
        config: { auth: { permission: "audit:read" } },
        schema: {
          tags: ["audit"],
          operationId: "listAuditEntries",
          summary: "List audit log entries, newest first",
          querystring: AuditQuery,
          response: { 200: pageOf(AuditEntryResponse), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { cursor, limit, actor, from, to, ...filter } = request.query;
        const page = await listAuditLog(
          ctxFor(deps, request),
          {
            ...filter,
            actorId: actor,
            from,
            to,
          },
          { cursor, limit },
        );
        return {
          items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })),
          nextCursor: page.nextCursor,
        };
      },
    );
  };
}
