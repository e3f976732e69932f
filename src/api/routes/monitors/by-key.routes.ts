import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { monitorType } from "../../../monitor-types/types.ts";
import { upsertMonitorByKey } from "../../../services/monitors/upsert.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { KeyParams } from "../resource-keys/key-param.ts";
import { MonitorResponse, presentMonitor, toInput } from "./present.ts";
import { monitorDefinitionSchema, requireCapabilities, splitInput } from "./schemas.ts";

/** `PUT /monitors/by-key/{key}`: create or replace the monitor a config-as-code key names. */
export function monitorByKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const definition = monitorDefinitionSchema(deps.limits, deps.rt.region);
  return async (app) => {
    app.put(
      "/monitors/by-key/:key",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          operationId: "upsertMonitorByKey",
          summary: "Create or replace the monitor with this key",
          description:
            "The body is the same as creating a monitor. When no monitor of the organization has the key, one is created with it (201, `Location`). Otherwise the monitor with the key is replaced by the body: fields left out return to their defaults, `parents` and `paused` are set as given, and header values sent back as `[redacted]` keep their stored secrets (200). One transaction: two requests with the same new key create one monitor. Repeating a request changes nothing, so it needs no `Idempotency-Key`. See docs/config-as-code.md#upsert-by-key.",
          params: KeyParams,
          body: definition,
          response: {
            200: MonitorResponse,
            201: MonitorResponse,
            422: Problem,
            429: Problem,
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        requireCapabilities(request.body.type, deps.capabilities);
        const { created, monitor } = await upsertMonitorByKey(
          ctxFor(deps, request),
          request.params.key,
          (current) => {
            if (!current) return splitInput(request.body);
            const input = { ...request.body } as Record<string, unknown>;
            monitorType(input.type)?.secrets?.keep(toInput(current), input);
            return splitInput(input as typeof request.body);
          },
        );
        if (!created) return reply.status(200).send(presentMonitor(monitor));
        return reply
          .status(201)
          .header("location", `/api/v1/monitors/${monitor.id}`)
          .send(presentMonitor(monitor));
      },
    );
  };
}
