import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ACK_NOTE_MAX,
  type Acknowledgement,
  acknowledgeIncident,
} from "../../../services/alerts/acknowledge.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { safeText } from "../../text.ts";

export const AcknowledgedBy = z
  .object({
    type: z.enum(["user", "apiKey", "link"]),
    id: z
      .string()
      .nullable()
      .meta({ description: "The person, the API key, or the channel whose link was used" }),
    name: z.string().meta({ description: 'In words, e.g. "link from channel ops"' }),
  })
  .meta({ id: "AcknowledgedBy" });

const AcknowledgementResponse = z
  .object({
    incidentId: z.string(),
    acknowledgedAt: z.string(),
    acknowledgedBy: AcknowledgedBy,
    note: z.string().nullable(),
  })
  .meta({ id: "Acknowledgement" });

export const presentAcknowledgement = (a: Acknowledgement) => ({
  incidentId: a.incidentId,
  acknowledgedAt: a.at.toISOString(),
  acknowledgedBy: a.by,
  note: a.note,
});

/** Acknowledging an incident through the API (the signed link in alerts is ack-page.routes.ts). */
export function acknowledgeRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/incidents/:id/acknowledge",
      {
        config: { auth: { permission: "incidents:write" } },
        schema: {
          tags: ["incidents"],
          operationId: "acknowledgeIncident",
          summary: "Acknowledge an open incident",
          description:
            "Records who acknowledged it, when, and the optional note; stops its reminders and escalation, and tells the channels that were alerted (those subscribed to `acknowledged`). 409 when the incident is already acknowledged or resolved.",
          params: z.object({ id: z.string().max(40) }),
          body: z.strictObject({ note: safeText(ACK_NOTE_MAX).optional() }).nullish(),
          response: { 200: AcknowledgementResponse, 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ack = await acknowledgeIncident(ctxFor(deps, request), request.params.id, {
          note: request.body?.note,
        });
        return presentAcknowledgement(ack);
      },
    );
  };
}
