import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  MAX_RULES_PER_ORG,
  updateRule,
} from "../../../services/alerts/rules.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { CreateRuleBody, Id, presentRule, RuleResponse, UpdateRuleBody } from "./schemas.ts";

const READ = { auth: { permission: "notifications:read" } } as const;
const WRITE = { auth: { permission: "notifications:write" } } as const;
const TAGS = ["channels"];

/**
 * Alert rules: route the alerts of monitors by tag to channels, with optional reminders and
 * escalation steps while an incident stays unacknowledged (docs/alerting.md).
 */
export function alertRuleRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/alert-rules",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "createAlertRule",
          summary: "Create an alert rule",
          description: `Alerts of monitors having any of \`tags\` (all monitors when empty) and whose kind is in \`events\` also go to \`channelIds\`. \`reminderMinutes\` re-sends a reminder while the incident is open and unacknowledged; \`escalation\` steps send the down alert to more channels when nobody acknowledged in time. At most ${MAX_RULES_PER_ORG} rules per organization; every channel must be the organization's own (404 otherwise).`,
          body: CreateRuleBody,
          response: { 201: RuleResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const rule = await createRule(ctxFor(deps, request), request.body);
        return reply.status(201).header("location", `/api/v1/alert-rules/${rule.id}`).send(presentRule(rule));
      },
    );

    app.get(
      "/alert-rules",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listAlertRules",
          summary: "List alert rules, oldest first",
          querystring: z.strictObject({ cursor: Cursor, limit: pageSize(50) }),
          response: { 200: pageOf(RuleResponse), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const page = await listRules(ctxFor(deps, request), request.query);
        return { items: page.items.map(presentRule), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/alert-rules/:id",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getAlertRule",
          summary: "Get an alert rule",
          params: Id,
          response: { 200: RuleResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => presentRule(await getRule(ctxFor(deps, request), request.params.id)),
    );

    app.patch(
      "/alert-rules/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "updateAlertRule",
          summary: "Change an alert rule",
          description: "Given fields replace the stored ones; `escalation` is replaced as a whole.",
          params: Id,
          body: UpdateRuleBody,
          response: { 200: RuleResponse, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        presentRule(await updateRule(ctxFor(deps, request), request.params.id, request.body)),
    );

    app.delete(
      "/alert-rules/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "deleteAlertRule",
          summary: "Delete an alert rule",
          params: Id,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteRule(ctxFor(deps, request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
