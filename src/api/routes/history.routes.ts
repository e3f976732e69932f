import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { RESULT_STATUSES } from "../../domain/check-result.ts";
import { listResults, listRollups, uptimeSummary } from "../../services/checks/query.ts";
import { getIncident, listEvents, listIncidents } from "../../services/incidents/query.ts";
import { type ApiDeps, ctxFor } from "../context.ts";
import { Cursor, pageOf, pageSize } from "../pagination.ts";
import { COMMON_ERRORS } from "../problem.ts";
import { dateTimeQuery } from "../query-dates.ts";
import { AcknowledgedBy } from "./incidents/acknowledge.routes.ts";
import { MonitorId } from "./monitors/monitors.routes.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

const ResultItem = z
  .object({
    monitorId: z.string(),
    region: z.string(),
    slotAt: z.string(),
    latenessMs: z.number(),
    manual: z.boolean(),
    status: z.enum(RESULT_STATUSES),
    statusCode: z.number().nullable(),
    timings: z.object({
      dns: z.number().nullable(),
      connect: z.number().nullable(),
      tls: z.number().nullable(),
      firstByte: z.number().nullable(),
      total: z.number(),
    }),
    error: z.object({ kind: z.string(), message: z.string() }).nullable(),
    verdicts: z.array(z.unknown()),
  })
  .meta({ id: "CheckResult" });

const EventItem = z
  .object({
    id: z.string(),
    monitorId: z.string(),
    from: z.string(),
    to: z.string(),
    reason: z.string().nullable(),
    incidentId: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: "MonitorEvent" });

const IncidentItem = z
  .object({
    id: z.string(),
    monitorId: z.string(),
    status: z.enum(["open", "resolved"]),
    cause: z.string().nullable(),
    startedAt: z.string(),
    resolvedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
  })
  .meta({ id: "Incident" });

/** A monitor that went `affected` (its failure suppressed) while this incident was open. */
const AffectedDependent = z
  .object({ monitorId: z.string(), name: z.string(), since: z.string() })
  .meta({ id: "AffectedDependent" });

type EventRow = Awaited<ReturnType<typeof listEvents>>["items"][number];
type IncidentRow = Awaited<ReturnType<typeof listIncidents>>["items"][number];
type ResultRow = Awaited<ReturnType<typeof listResults>>["items"][number];

const presentEvent = (e: EventRow) => ({
  id: e.id,
  monitorId: e.monitor_id,
  from: e.from_state,
  to: e.to_state,
  reason: e.reason,
  incidentId: e.incident_id,
  at: e.at.toISOString(),
});
const presentIncident = (i: IncidentRow) => ({
  id: i.id,
  monitorId: i.monitor_id,
  status: i.status as "open" | "resolved",
  cause: i.cause,
  startedAt: i.started_at.toISOString(),
  resolvedAt: iso(i.resolved_at),
  durationMs: i.duration_ms,
});
const presentResult = (r: ResultRow) => ({
  monitorId: r.monitor_id,
  region: r.region,
  slotAt: r.slot_at.toISOString(),
  latenessMs: r.lateness_ms,
  manual: r.manual,
  status: r.status as (typeof RESULT_STATUSES)[number],
  statusCode: r.status_code,
  timings: { dns: r.dns_ms, connect: r.connect_ms, tls: r.tls_ms, firstByte: r.ttfb_ms, total: r.total_ms },
  error: r.error_kind ? { kind: r.error_kind, message: r.error ?? "" } : null,
  verdicts: r.verdicts,
});

export function historyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/monitors/:id/results",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["results"],
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
      "/monitors/:id/uptime",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["results"],
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

    app.get(
      "/incidents/:id",
      {
        config: { auth: { permission: "incidents:read" } },
        schema: {
          tags: ["incidents"],
          summary: "An incident with its timeline of state changes",
          params: z.object({ id: z.string().max(40) }),
          response: {
            200: IncidentItem.extend({
              timeline: z.array(EventItem),
              affectedDependents: z.array(AffectedDependent),
              acknowledgedAt: z.string().nullable(),
              acknowledgedBy: AcknowledgedBy.nullable(),
              acknowledgeNote: z.string().nullable(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const incident = await getIncident(ctxFor(deps, request), request.params.id);
        return {
          ...presentIncident(incident),
          timeline: incident.timeline.map(presentEvent),
          affectedDependents: incident.affectedDependents.map((d) => ({
            ...d,
            since: d.since.toISOString(),
          })),
          acknowledgedAt: iso(incident.acknowledgement?.at ?? null),
          acknowledgedBy: incident.acknowledgement?.by ?? null,
          acknowledgeNote: incident.acknowledgement?.note ?? null,
        };
      },
    );
  };
}
