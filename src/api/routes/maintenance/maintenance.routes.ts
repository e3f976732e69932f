import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  MAINTENANCE_LIMITS,
  type MaintenanceWindowView,
  updateMaintenanceWindow,
} from "../../../services/maintenance/windows.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { CreateWindowBody, PatchWindowBody, presentSchedule, toSchedule, WindowResponse } from "./schemas.ts";

const Id = z.object({ id: z.string().max(40) });
const TAGS = ["maintenance"];
const READ = { auth: { permission: "monitors:read" } } as const;
const WRITE = { auth: { permission: "monitors:write" } } as const;

export const present = (w: MaintenanceWindowView) => ({
  id: w.id,
  title: w.title,
  description: w.description,
  monitorIds: w.monitorIds,
  tags: w.tags,
  schedule: presentSchedule(w.schedule),
  active: w.active,
  nextOccurrences: w.nextOccurrences.map((o) => ({
    startsAt: new Date(o.startMs).toISOString(),
    endsAt: new Date(o.endMs).toISOString(),
  })),
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

/** Maintenance windows: planned quiet periods for monitors (docs/maintenance.md). */
export function maintenanceRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/maintenance-windows",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "createMaintenanceWindow",
          summary: "Create a maintenance window",
          description: `One-off (\`startsAt\`/\`endsAt\`) or recurring (time zone, local start time, duration, daily/weekly/monthly). While a window is open its monitors show \`maintenance\`, are still checked, and alert no one. At most ${MAINTENANCE_LIMITS.windowsPerOrg} windows per organization.`,
          body: CreateWindowBody,
          response: { 201: WindowResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { schedule, ...rest } = request.body;
        const window = await createMaintenanceWindow(ctxFor(deps, request), {
          ...rest,
          schedule: toSchedule(schedule),
        });
        return reply
          .status(201)
          .header("location", `/api/v1/maintenance-windows/${window.id}`)
          .send(present(window));
      },
    );

    app.get(
      "/maintenance-windows",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listMaintenanceWindows",
          summary: "List maintenance windows, each with whether it is open and its next occurrence",
          querystring: z.strictObject({ cursor: Cursor, limit: pageSize(50) }),
          response: { 200: pageOf(WindowResponse), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const page = await listMaintenanceWindows(ctxFor(deps, request), request.query);
        return { items: page.items.map(present), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/maintenance-windows/:id",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getMaintenanceWindow",
          summary: "Get a maintenance window with its next ten occurrences",
          params: Id,
          response: { 200: WindowResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => present(await getMaintenanceWindow(ctxFor(deps, request), request.params.id)),
    );

    app.patch(
      "/maintenance-windows/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "updateMaintenanceWindow",
          summary: "Change a maintenance window",
          description:
            "Takes effect from the next result of each monitor: one no longer covered leaves `maintenance` on its next check.",
          params: Id,
          body: PatchWindowBody,
          response: { 200: WindowResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { schedule, ...rest } = request.body;
        const patch = schedule ? { ...rest, schedule: toSchedule(schedule) } : rest;
        return present(await updateMaintenanceWindow(ctxFor(deps, request), request.params.id, patch));
      },
    );

    app.delete(
      "/maintenance-windows/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "deleteMaintenanceWindow",
          summary: "Delete a maintenance window",
          description: "Its monitors leave `maintenance` on their next result.",
          params: Id,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteMaintenanceWindow(ctxFor(deps, request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
