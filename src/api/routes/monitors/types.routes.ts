import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { describeMonitorType, MonitorTypeInfo } from "../../../monitor-types/describe.ts";
import { MONITOR_TYPE_LIST } from "../../../monitor-types/registry.ts";
import type { ApiDeps } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";

export function monitorTypeRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  // The registry and what the server has are fixed at boot: describe them once.
  const capabilities = deps.capabilities ?? { browser: true };
  const items = MONITOR_TYPE_LIST.map((t) => describeMonitorType(t, capabilities));
  return async (app) => {
    app.get(
      "/monitor-types",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          operationId: "listMonitorTypes",
          summary: "The monitor types this server checks, with their settings' schemas",
          response: { 200: z.object({ items: z.array(MonitorTypeInfo) }), ...COMMON_ERRORS },
        },
      },
      async () => ({ items }),
    );
  };
}
