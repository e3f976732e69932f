import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { RESULT_STATUSES } from "../../domain/check-result.ts";
import { listResults, listRollups, uptimeSummary } from "../../services/checks/query.ts";
import { getScreenshot } from "../../services/checks/screenshots.ts";
import { listEvents, listIncidents } from "../../services/incidents/query.ts";
import { type ApiDeps, ctxFor } from "../context.ts";
import { Cursor, pageOf, pageSize } from "../pagination.ts";
import { COMMON_ERRORS } from "../problem.ts";
import { dateTimeQuery } from "../query-dates.ts";
import { presentEvent, presentIncident } from "./incidents/incidents.present.ts";
import { EventItem, IncidentItem } from "./incidents/incidents.schemas.ts";
import { MonitorId } from "./monitors/monitors.routes.ts";
import { presentResult, ResultItem } from "./results.present.ts";

const ScreenshotParams = MonitorId.extend({
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .meta({ description: "The region of the result" }),
  slotAt: z.iso.datetime().meta({ description: "The result's `slotAt`" }),
});

/**
 * Sends image bytes. Fastify passes a Buffer through without serialising it, so the route declares
 * no 200 schema (the OpenAPI document describes it: openapi/public-routes.ts BINARY_SUCCESS).
 */
function sendImage(reply: FastifyReply, mime: string, bytes: Uint8Array): FastifyReply {
  return reply
    .type(mime)
    .header("cache-control", "private, max-age=86400")
    .header("x-content-type-options", "nosniff")
    .send(Buffer.from(bytes));
}

export function historyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/monitors/:id/results",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["results"],
          operationId: "listMonitorResults",
          summary: "Check results of a monitor, newest first",
          params: MonitorId,
          querystring: z.strictObject({
            from: dateTimeQuery("Results of checks at or after this time").optional(),
            to: dateTimeQuery("Results of checks before this time").optional(),
            status: z.enum(RESULT_STATUSES).optional(),
            cursor: z.iso.datetime().optional().meta({ description: "nextCursor of the previous page" }),
            limit: pageSize(100, 1000),
          }),
          response: { 200: pageOf(ResultItem), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const page = await listResults(ctxFor(deps, request), request.params.id, request.query);
        return { items: page.items.map(presentResult), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/monitors/:id/screenshots/:region/:slotAt",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["results"],
          operationId: "getMonitorScreenshot",
          summary: "The screenshot a failed browser check took (a result's `screenshot` path)",
          description:
            "A JPEG of at most 300 KB, kept as long as raw results (RAW_RETENTION_DAYS). Only failed checks have one.",
          params: ScreenshotParams,
          response: { ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { id, region, slotAt } = request.params;
        const shot = await getScreenshot(ctxFor(deps, request), id, region, new Date(slotAt));
        return sendImage(reply, shot.mime, shot.bytes);
      },
    );

    app.get(
      "/monitors/:id/uptime",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["results"],
          operationId: "getMonitorUptime",
          summary: "Uptime over 24 h, 7 d, 30 d and 90 d, from rollups",
          params: MonitorId,
          response: {
            200: z.object({
              monitorId: z.string(),
              windows: z.array(
                z.object({
                  window: z.string(),
                  checks: z.number(),
                  up: z.number(),
                  degraded: z.number(),
                  down: z.number(),
                  uptime: z.number().nullable(),
                }),
              ),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => ({
        monitorId: request.params.id,
        windows: await uptimeSummary(ctxFor(deps, request), request.params.id),
      }),
    );

    app.get(
      "/monitors/:id/rollups",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["results"],
          operationId: "listMonitorRollups",
          summary: "Hourly or daily rollups (checks by outcome, latency min/avg/p95/max)",
          params: MonitorId,
          querystring: z.strictObject({
            granularity: z.enum(["hour", "day"]).default("hour"),
            from: dateTimeQuery("Buckets starting at or after this time"),
          }),
          response: {
            200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const rows = await listRollups(
          ctxFor(deps, request),
          request.params.id,
          request.query.granularity,
          request.query.from,
        );
        return {
          items: rows.map(({ organization_id: _o, monitor_id: _m, bucket, latency_samples: _s, ...r }) => ({
            bucket: bucket.toISOString(),
            ...r,
          })),
        };
      },
    );

    app.get(
      "/monitors/:id/events",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["events"],
          operationId: "listMonitorEvents",
          summary: "State changes of a monitor, newest first",
          params: MonitorId,
          querystring: z.strictObject({ cursor: Cursor, limit: pageSize(50) }),
          response: { 200: pageOf(EventItem), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        const page = await listEvents(ctx, { monitorId: request.params.id, ...request.query });
        return { items: page.items.map(presentEvent), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/incidents",
      {
        config: { auth: { permission: "incidents:read" } },
        schema: {
          tags: ["incidents"],
          operationId: "listIncidents",
          summary: "Incidents, newest first",
          querystring: z.strictObject({
            monitorId: z.string().max(40).optional(),
            status: z.enum(["open", "resolved"]).optional(),
            cursor: Cursor,
            limit: pageSize(50),
          }),
          response: { 200: pageOf(IncidentItem), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const page = await listIncidents(ctxFor(deps, request), request.query);
        return { items: page.items.map(presentIncident), nextCursor: page.nextCursor };
      },
    );
  };
}
