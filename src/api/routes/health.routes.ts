import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../context.ts";
import { Problem, problemFor } from "../problem.ts";

const ProbeReadiness = z
  .object({
    region: z.string(),
    live: z.boolean(),
    lastBeatAt: z.string().nullable(),
  })
  .meta({
    description:
      "Present when this process runs the probe role: its region and whether it recorded its presence recently (docs/regions.md). Not live: 503.",
  });

/**
 * Liveness says the process answers; readiness says it can reach its database and, for a probe,
 * that its region counts it live (a probe that cannot say so is not ready).
 */
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
          summary: "Readiness: the database answers, and a probe's region counts it live",
          response: {
            200: z.object({ status: z.literal("ready"), probe: ProbeReadiness.optional() }),
            503: Problem,
          },
        },
      },
      async (request, reply) => {
        const probe = deps.probeStatus?.();
        if (!(await deps.isReady())) {
          return reply
            .status(503)
            .type("application/problem+json")
            .send(problemFor("UNAVAILABLE", String(request.id), "The database cannot be reached"));
        }
        if (probe && !probe.live) {
          const detail = `This probe has not recorded its presence in region ${probe.region} recently: the region may count as silent`;
          return reply
            .status(503)
            .type("application/problem+json")
            .send(problemFor("UNAVAILABLE", String(request.id), detail));
        }
        return probe ? { status: "ready" as const, probe } : { status: "ready" as const };
      },
    );
  };
}
