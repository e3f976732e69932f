import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { PERIOD_PATTERN, parsePeriod } from "../../../domain/report-period.ts";
import { pageReport } from "../../../services/status-pages/reports.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { reportCsv } from "./report-csv.ts";

const Params = z.object({ id: z.string().max(40) });
const Query = z.object({
  period: z
    .string()
    .regex(PERIOD_PATTERN, "must be a month (2026-10) or a year (2026)")
    .meta({ description: "A UTC month `YYYY-MM` or year `YYYY`", example: "2026-10" }),
  format: z.enum(["json", "csv"]).default("json"),
});

const ComponentReport = z.object({
  monitorId: z.string(),
  name: z.string(),
  group: z.string(),
  uptimePercent: z.number().nullable().meta({ description: "null when no check was judged" }),
  checks: z.number().int(),
  up: z.number().int(),
  degraded: z.number().int(),
  down: z.number().int(),
  downMinutes: z.number(),
  incidents: z.number().int(),
  maintenanceMinutes: z.number(),
});

const ReportResponse = z.object({
  pageId: z.string(),
  period: z.string(),
  from: z.string(),
  until: z.string(),
  components: z.array(ComponentReport),
});

/** SLA reports of a status page's components per month or year (docs/status-pages.md, "SLA reports"). */
export function statusPageReportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/status-pages/:id/reports",
      {
        config: { auth: { permission: "status-pages:read" } },
        schema: {
          tags: ["status-pages"],
          operationId: "getStatusPageReport",
          summary: "Uptime report of the page's components for a month or a year",
          description:
            "Per component: uptime % = (up + degraded) / (up + degraded + down) over the checks outside maintenance covering it, checks, minutes in an incident outside maintenance, incidents, and maintenance minutes. `format=csv` answers `text/csv` with the same figures. The current period runs until now.",
          params: Params,
          querystring: Query,
          // A CSV body is a string sent as text/csv, which Fastify does not serialise as JSON.
          response: {
            200: z.union([ReportResponse, z.string().meta({ description: "format=csv" })]),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const period = parsePeriod(request.query.period);
        // The schema's pattern is the parser's, so a valid query always parses.
        if (!period) throw new Error("period passed validation but does not parse");
        const report = await pageReport(ctxFor(deps, request), request.params.id, period);
        if (request.query.format === "csv") {
          return reply
            .type("text/csv; charset=utf-8")
            .header("content-disposition", `attachment; filename="status-report-${report.period}.csv"`)
            .send(reportCsv(report));
        }
        return {
          ...report,
          from: report.from.toISOString(),
          until: report.until.toISOString(),
        };
      },
    );
  };
}
