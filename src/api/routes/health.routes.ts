import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../context.ts";
import { Problem, problemFor } from "../problem.ts";

/** Liveness says the process answers; readiness says it can reach its database. */
export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/healthz",
      {
        schema: {
          tags: ["health"],
          operationId: "getLiveness",
          summary: "Liveness",
          response: { 200: z.object({ status: z.literal("ok") }) },
        },
      },
      async () => ({ status: "ok" as const }),
    );
    app.get(
      "/readyz",
      {
        schema: {
          tags: ["health"],
          operationId: "getReadiness",
          summary: "Readiness: the database answers",
          response: { 200: z.object({ status: z.literal("ready") }), 503: Problem },
        },
      },
      async (request, reply) => {
        if (await deps.isReady()) return { status: "ready" as const };
        return reply
          .status(503)
          .type("application/problem+json")
          .send(problemFor("UNAVAILABLE", String(request.id), "The database cannot be reached"));
      },
    );
  };
}
