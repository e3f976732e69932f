import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bulkChangeMonitors } from "../../../services/monitors/bulk.ts";
import { monitorSummaries, RECENT_SLOTS } from "../../../services/monitors/summaries.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { safeText } from "../../text.ts";
import { LIMITS } from "./schemas.ts";

/** Ids one summaries request takes: a page of the list (GET /monitors answers at most 200). */
export const MAX_SUMMARY_IDS = 200;
/** Monitors one bulk change takes; the dashboard sends larger selections in chunks of this size. */
export const MAX_BULK_IDS = 500;

const MonitorIdText = z.string().min(1).max(40);
const Tags = z.array(safeText(LIMITS.tagChars)).min(1).max(LIMITS.tags);
const ChannelIds = z.array(z.string().max(40)).min(1).max(50);

const BulkBody = z.strictObject({
  ids: z
    .array(MonitorIdText)
    .min(1)
    .max(MAX_BULK_IDS)
    .meta({ description: `The monitors to change (1 to ${MAX_BULK_IDS}).` }),
  action: z
    .discriminatedUnion("type", [
      z.strictObject({ type: z.literal("pause") }),
      z.strictObject({ type: z.literal("resume") }),
      z.strictObject({ type: z.literal("delete") }),
      z.strictObject({ type: z.literal("addTags"), tags: Tags }),
      z.strictObject({ type: z.literal("removeTags"), tags: Tags }),
      z.strictObject({ type: z.literal("addChannels"), channelIds: ChannelIds }),
      z.strictObject({ type: z.literal("removeChannels"), channelIds: ChannelIds }),
    ])
    .meta({ description: "What to do to every monitor in `ids`." }),
});

const Summary = z.object({
  monitorId: z.string(),
  recent: z
    .array(
      z.object({
        at: z.iso.datetime(),
        status: z
          .string()
          .meta({ description: "up, degraded, down or unknown: the worst of the slot's regions" }),
        totalMs: z
          .number()
          .nullable()
          .meta({ description: "the slowest answered region; null without an answer" }),
      }),
    )
    .meta({ description: `The last ${RECENT_SLOTS} checks, oldest first.` }),
  uptime24h: z.number().nullable(),
  uptime30d: z.number().nullable(),
});

/**
 * What the monitors list needs besides `GET /monitors`: the row extras of a page of monitors in
 * one request, and one change applied to many monitors at once.
 */
export function monitorBulkRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/monitors/summaries",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          operationId: "getMonitorSummaries",
          summary: "Last checks and uptime of a page of monitors",
          description: `For each monitor in \`ids\` (comma-separated, at most ${MAX_SUMMARY_IDS}): its last ${RECENT_SLOTS} checks (status and latency, oldest first) and its uptime over 24 h and 30 d (as \`GET /monitors/{id}/uptime\` computes them). A fixed number of queries however many ids. Ids that are not monitors of this organization are left out.`,
          querystring: z.strictObject({
            ids: z
              .string()
              .max(MAX_SUMMARY_IDS * 41)
              .transform((s) => s.split(",").filter((id) => id.length > 0))
              .pipe(z.array(MonitorIdText).min(1).max(MAX_SUMMARY_IDS)),
          }),
          response: { 200: z.object({ items: z.array(Summary) }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const items = await monitorSummaries(ctxFor(deps, request), request.query.ids);
        return {
          items: items.map((s) => ({
            ...s,
            recent: s.recent.map((r) => ({ ...r, at: r.at.toISOString() })),
          })),
        };
      },
    );

    app.post(
      "/monitors/bulk",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          operationId: "bulkChangeMonitors",
          summary: "Change many monitors at once",
          description: `Pauses, resumes, deletes, tags/untags or adds/removes alert channels of up to ${MAX_BULK_IDS} monitors in one transaction: all or none. An id that is not a monitor of this organization refuses the whole change (404, \`errors[].path\` names it), as does an unknown channel or a monitor that would get more than ${LIMITS.tags} tags (400). Each changed monitor gets its own audit row (\`monitor.pause\`, \`monitor.resume\`, \`monitor.delete\`, \`monitor.update\` with fields [tags], \`monitor.channels_set\`).`,
          body: BulkBody,
          response: {
            200: z.object({
              changed: z.array(z.string()).meta({ description: "Monitors the action changed." }),
              unchanged: z.array(z.string()).meta({ description: "Monitors already as asked." }),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) =>
        bulkChangeMonitors(ctxFor(deps, request), request.body.ids, request.body.action, {
          tags: LIMITS.tags,
        }),
    );
  };
}
