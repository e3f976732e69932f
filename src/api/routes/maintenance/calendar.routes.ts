import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { nextOccurrences } from "../../../domain/maintenance-schedule.ts";
import { AppError } from "../../../lib/errors.ts";
import { MAX_BETWEEN_DAYS, maintenanceBetween } from "../../../services/maintenance/between.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { dateTimeQuery } from "../../query-dates.ts";
import { ScheduleBody, toSchedule } from "./schemas.ts";

const TAGS = ["maintenance"];
const DAY_MS = 86_400_000;
const MAX_PREVIEW = 50;
const Span = z.object({ startsAt: z.string(), endsAt: z.string() });

/**
 * The maintenance calendar: every occurrence of the organization's windows in a range, and the
 * occurrences a schedule not saved yet would have (the form shows them while it is typed).
 */
export function maintenanceCalendarRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/maintenance-windows/occurrences",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: TAGS,
          operationId: "listMaintenanceOccurrences",
          summary: "Occurrences of every maintenance window in a range, in start order",
          description: `Occurrences overlapping [from, until), each with the monitors it covers now (listed or by tag); a window that covers no monitor is left out. At most ${MAX_BETWEEN_DAYS} days; \`until\` defaults to 28 days after \`from\`; \`from\` to 28 days before \`until\` when only that is given, else to now.`,
          querystring: z.strictObject({
            from: dateTimeQuery("Start of the range (default: now, or 28 days before `until`)").optional(),
            until: dateTimeQuery("End of the range, exclusive (default: 28 days after `from`)").optional(),
          }),
          response: {
            200: z.object({
              items: z.array(
                Span.extend({ windowId: z.string(), title: z.string(), monitorIds: z.array(z.string()) }),
              ),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        const { from: fromDate, until: untilDate } = request.query;
        const from = fromDate
          ? fromDate.getTime()
          : untilDate
            ? untilDate.getTime() - 28 * DAY_MS
            : ctx.clock.now();
        const until = untilDate ? untilDate.getTime() : from + 28 * DAY_MS;
        if (until <= from) {
          throw new AppError("VALIDATION", "until must be after from", {
            errors: [{ path: "querystring.until", message: "must be after from" }],
          });
        }
        const found = await maintenanceBetween(ctx.db, ctx.organizationId, from, until);
        return {
          items: found.map((o) => ({
            windowId: o.windowId,
            title: o.title,
            startsAt: o.startsAt.toISOString(),
            endsAt: o.endsAt.toISOString(),
            monitorIds: o.monitorIds,
          })),
        };
      },
    );

    app.post(
      "/maintenance-windows/preview",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: TAGS,
          operationId: "previewMaintenanceSchedule",
          summary: "The next occurrences a schedule would have, without saving anything",
          description:
            "The same rules as a saved window (time zone, DST, repeat, from/until); occurrences not yet over, the open one first.",
          body: z.strictObject({
            schedule: ScheduleBody,
            count: z.number().int().min(1).max(MAX_PREVIEW).default(10),
          }),
          response: { 200: z.object({ occurrences: z.array(Span) }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const now = ctxFor(deps, request).clock.now();
        const next = nextOccurrences(toSchedule(request.body.schedule), now, request.body.count);
        return {
          occurrences: next.map((o) => ({
            startsAt: new Date(o.startMs).toISOString(),
            endsAt: new Date(o.endMs).toISOString(),
          })),
        };
      },
    );
  };
}
