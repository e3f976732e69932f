import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { DRILL_LIMITS, runDrill } from "../../../services/alerts/drill.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";

const Id = z.object({ id: z.string().max(40) });

const Outcome = z
  .object({
    notificationId: z.string(),
    outcome: z.enum(["sent", "failed", "pending"]),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    latencyMs: z.number().int().nullable(),
    attempts: z.number().int(),
  })
  .nullable()
  .meta({ description: "null when the channel does not hear this event" });

const DrillReport = z
  .object({
    drillId: z.string(),
    monitorId: z.string(),
    channels: z.array(
      z.object({ channelId: z.string(), name: z.string(), kind: z.string(), down: Outcome, up: Outcome }),
    ),
    hints: z.array(z.string()),
  })
  .meta({ id: "DrillReport" });

/** Fire drills: a simulated down and recovery through the real pipeline (docs/fire-drills.md). */
export function drillRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  // Each phase waits for first attempts up to twice an attempt's deadline.
  const waitMs = 2 * deps.notify.timeoutMs;
  return async (app) => {
    app.post(
      "/monitors/:id/drill",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["channels"],
          operationId: "runFireDrill",
          summary: "Run a fire drill: a simulated down and recovery to every routed channel",
          description: `Writes a down alert marked as a drill for every channel routed to the monitor, waits up to ${Math.round(waitMs / 1000)} s for their first attempts, then the recovery, and reports what each channel answered. The monitor's state and incidents are not touched. One drill per monitor at a time (409); at most ${DRILL_LIMITS.perMonitorPerHour} per monitor and ${DRILL_LIMITS.perOrganizationPerHour} per organization an hour (429). Audited.`,
          params: Id,
          response: { 200: DrillReport, 409: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => runDrill(ctxFor(deps, request), request.params.id, { waitMs }),
    );
  };
}
