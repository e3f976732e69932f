import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { authenticateApiKey } from "../../services/auth/api-key-auth.ts";
import { looksLikeApiKey } from "../../services/auth/api-key-format.ts";
import { hashToken, sameHash } from "../../services/auth/secrets.ts";
import type { ApiDeps } from "../context.ts";
import { Problem } from "../problem.ts";

/**
 * GET /metrics in the Prometheus text format. Never public: the operator's METRICS_TOKEN sees
 * every organization; an API key with `metrics:read` sees the process figures and its own
 * organization's monitors and deliveries. Outside /api/v1, so the auth hook does not run:
 * the credential is checked here.
 */
export function metricsRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/metrics",
      {
        schema: {
          operationId: "getMetrics",
          tags: ["health"],
          summary: "Prometheus metrics (METRICS_TOKEN, or an API key with metrics:read)",
          response: { 200: z.string(), 401: Problem, 403: Problem },
        },
      },
      async (request, reply) => {
        const metrics = deps.metrics;
        if (!metrics) throw new AppError("NOT_FOUND", "Metrics are not served by this process");
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
        if (!token)
          throw new AppError("UNAUTHENTICATED", "Send METRICS_TOKEN or an API key as a Bearer token");
        let organizationId: string | undefined;
        if (metrics.token !== undefined && sameHash(hashToken(token), hashToken(metrics.token))) {
          organizationId = undefined;
        } else if (looksLikeApiKey(token)) {
          const key = await authenticateApiKey(deps.rt, token, request.ip);
          if (!key.actor.permissions.has("metrics:read")) {
            throw new AppError("FORBIDDEN", "This needs the metrics:read permission", {
              permission: "metrics:read",
            });
          }
          organizationId = key.organizationId;
        } else {
          throw new AppError("UNAUTHENTICATED", "The token is neither METRICS_TOKEN nor an API key");
        }
        const text = await metrics.registry.render({ organizationId });
        return reply.type(metrics.registry.contentType).send(text);
      },
    );
  };
}
