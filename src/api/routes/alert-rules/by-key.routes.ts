import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { upsertRuleByKey } from "../../../services/alerts/rule-upsert.ts";
import { MAX_RULES_PER_ORG } from "../../../services/alerts/rules.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { KeyParams } from "../resource-keys/key-param.ts";
import { CreateRuleBody, presentRule, RuleResponse } from "./schemas.ts";

/** `PUT /alert-rules/by-key/{key}`: create or replace the alert rule a config-as-code key names. */
export function alertRuleByKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      "/alert-rules/by-key/:key",
      {
        config: { auth: { permission: "notifications:write" } },
        schema: {
          tags: ["channels"],
          operationId: "upsertAlertRuleByKey",
          summary: "Create or replace the alert rule with this key",
          description: `The body is the same as creating an alert rule. When no rule of the organization has the key, one is created with it (201, \`Location\`; at most ${MAX_RULES_PER_ORG} rules per organization, 429 beyond). Otherwise the rule with the key is replaced by the body: fields left out return to their defaults, \`escalation\` as a whole (200). Every channel must be the organization's own (404 otherwise). One transaction: two requests with the same new key create one rule. Repeating a request changes nothing, so it needs no \`Idempotency-Key\`. See docs/config-as-code.md#upsert-by-key.`,
          params: KeyParams,
          body: CreateRuleBody,
          response: { 200: RuleResponse, 201: RuleResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { created, rule } = await upsertRuleByKey(
          ctxFor(deps, request),
          request.params.key,
          request.body,
        );
        if (!created) return reply.status(200).send(presentRule(rule));
        return reply.status(201).header("location", `/api/v1/alert-rules/${rule.id}`).send(presentRule(rule));
      },
    );
  };
}
