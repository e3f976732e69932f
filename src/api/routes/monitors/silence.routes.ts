import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import {
  getSilence,
  MAX_SILENCE_DAYS,
  type Silence,
  silenceMonitor,
  unsilenceMonitor,
} from "../../../services/alerts/silences.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { safeText } from "../../text.ts";

const Id = z.object({ id: z.string().max(40) });
const SilenceResponse = z
  .object({
    monitorId: z.string(),
    until: z.string().nullable(),
    untilRecovery: z.boolean(),
    reason: z.string(),
    createdBy: z.string().nullable().meta({ description: "The person or API key that set it" }),
    createdAt: z.string(),
  })
  .meta({ id: "Silence" });

const present = (s: Silence) => ({
  ...s,
  until: s.until?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
});

/** Silence a monitor's alerts with a reason; checks and incidents go on (docs/alerting.md). */
export function silenceRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      "/monitors/:id/silence",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["channels"],
          operationId: "silenceMonitor",
          summary: "Silence a monitor's alerts until a time or until it recovers",
          description: `Give \`until\` (within ${MAX_SILENCE_DAYS} days) or \`untilRecovery: true\`. Checks, state and incidents go on; no notification is sent while the silence holds. A silence until recovery ends with the recovery, whose alert is sent. Replaces any current silence; audited with its reason.`,
          params: Id,
          body: z.strictObject({
            reason: safeText(500),
            until: z.iso.datetime({ offset: true }).optional(),
            untilRecovery: z.boolean().default(false),
          }),
          response: { 200: SilenceResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { reason, until, untilRecovery } = request.body;
        if (Boolean(until) === untilRecovery) {
          throw new AppError("VALIDATION", "Give either until or untilRecovery: true", {
            errors: [{ path: "body.until", message: "give exactly one of until and untilRecovery" }],
          });
        }
        const silence = await silenceMonitor(ctxFor(deps, request), request.params.id, {
          reason,
          until: until ? new Date(until) : undefined,
          untilRecovery,
        });
        return present(silence);
      },
    );

    app.get(
      "/monitors/:id/silence",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["channels"],
          operationId: "getMonitorSilence",
          summary: "The monitor's silence in force, or null",
          params: Id,
          response: { 200: z.object({ silence: SilenceResponse.nullable() }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const silence = await getSilence(ctxFor(deps, request), request.params.id);
        return { silence: silence ? present(silence) : null };
      },
    );

    app.delete(
      "/monitors/:id/silence",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["channels"],
          operationId: "endMonitorSilence",
          summary: "End a monitor's silence",
          params: Id,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await unsilenceMonitor(ctxFor(deps, request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
