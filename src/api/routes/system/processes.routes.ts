import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listProcesses } from "../../../services/system/processes.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";

const ProcessResponse = z
  .object({
    id: z.string().meta({ example: "prc_01J…" }),
    roles: z.array(z.enum(["api", "scheduler", "probe", "evaluator", "notifier"])),
    region: z.string().meta({ description: "The region it schedules and probes for" }),
    version: z.string(),
    host: z.string(),
    pid: z.number().int(),
    startedAt: z.string(),
    lastSeenAt: z.string().meta({ description: "Its last heartbeat (every 10 s while it runs)" }),
    stoppedAt: z
      .string()
      .nullable()
      .meta({ description: "When it stopped cleanly; null while running or killed" }),
    live: z.boolean().meta({ description: "Running, and seen in the last 30 s" }),
  })
  .meta({ id: "Process" });

const ProcessList = z.object({ items: z.array(ProcessResponse) }).meta({ id: "ProcessList" });

/** The installation's processes (roles, region, heartbeats): docs/operations.md. */
export function systemRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/system/processes",
      {
        config: { auth: { permission: "org:owner" } },
        schema: {
          tags: ["system"],
          operationId: "listProcesses",
          summary: "List the installation's processes and when each was last seen",
          description:
            "Every process of the installation seen in the last day, newest start first: its roles, region, version, host, start and last heartbeat. Owners of the installation's first organization only (the one the setup link created), signed in as a person: processes serve every organization, so no single tenant's owner may see them. Others get 403.",
          response: { 200: ProcessList, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const items = await listProcesses(ctxFor(deps, request));
        return {
          items: items.map((p) => ({
            id: p.id,
            roles: p.roles as z.infer<typeof ProcessResponse>["roles"],
            region: p.region,
            version: p.version,
            host: p.host,
            pid: p.pid,
            startedAt: p.startedAt.toISOString(),
            lastSeenAt: p.lastSeenAt.toISOString(),
            stoppedAt: p.stoppedAt?.toISOString() ?? null,
            live: p.live,
          })),
        };
      },
    );
  };
}
