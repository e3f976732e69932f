import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { upsertMaintenanceWindowByKey } from "../../../services/maintenance/upsert.ts";
import { MAINTENANCE_LIMITS } from "../../../services/maintenance/windows.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { KeyParams } from "../resource-keys/key-param.ts";
import { present } from "./maintenance.routes.ts";
import { CreateWindowBody, toSchedule, WindowResponse } from "./schemas.ts";

/** `PUT /maintenance-windows/by-key/{key}`: create or replace the window a config-as-code key names. */
export function maintenanceByKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      "/maintenance-windows/by-key/:key",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["maintenance"],
          operationId: "upsertMaintenanceWindowByKey",
          summary: "Create or replace the maintenance window with this key",
          description: `The body is the same as creating a maintenance window. When no window of the organization has the key, one is created with it (201, \`Location\`; at most ${MAINTENANCE_LIMITS.windowsPerOrg} windows per organization, 429 beyond). Otherwise the window with the key is replaced by the body: fields left out return to their defaults, \`schedule\` and \`monitorIds\` as a whole (200); a one-off schedule must lie ahead only when it changes. Takes effect from the next result of each monitor. One transaction: two requests with the same new key create one window. Repeating a request changes nothing, so it needs no \`Idempotency-Key\`. See docs/config-as-code.md#upsert-by-key.`,
          params: KeyParams,
          body: CreateWindowBody,
          response: { 200: WindowResponse, 201: WindowResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { schedule, ...rest } = request.body;
        const { created, window } = await upsertMaintenanceWindowByKey(
          ctxFor(deps, request),
          request.params.key,
          {
            ...rest,
            schedule: toSchedule(schedule),
          },
        );
        if (!created) return reply.status(200).send(present(window));
        return reply
          .status(201)
          .header("location", `/api/v1/maintenance-windows/${window.id}`)
          .send(present(window));
      },
    );
  };
}
