import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MONITOR_STATES, MONITOR_TYPES } from "../../../domain/monitor.ts";
import { AppError } from "../../../lib/errors.ts";
import { checkNow } from "../../../services/monitors/check-now.ts";
import { createMonitor } from "../../../services/monitors/create.ts";
import { getMonitor, listMonitors } from "../../../services/monitors/query.ts";
import { deleteMonitor, setMonitorPaused, updateMonitor } from "../../../services/monitors/update.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { toFieldIssues } from "../../field-errors.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { MonitorResponse, presentMonitor, REDACTED, toInput } from "./present.ts";
import { MonitorPatch, monitorDefinitionSchema, splitInput } from "./schemas.ts";

export const MonitorId = z.object({ id: z.string().max(40).meta({ example: "mon_01jd…" }) });

export function monitorRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const definition = monitorDefinitionSchema(deps.limits, deps.rt.region);
  return async (app) => {
    app.post(
      "/monitors",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          summary: "Create a monitor",
          description: "Send an `Idempotency-Key` header to make retries safe.",
          body: definition,
          response: { 201: MonitorResponse, 422: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { definition: def, paused, parents } = splitInput(request.body);
        const monitor = await createMonitor(ctxFor(deps, request), def, { paused, parents });
        return reply
          .status(201)
          .header("location", `/api/v1/monitors/${monitor.id}`)
          .send(presentMonitor(monitor));
      },
    );

    app.get(
      "/monitors",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          summary: "List monitors, newest first",
          querystring: z.strictObject({
            type: z.enum(MONITOR_TYPES).optional(),
            state: z.enum(MONITOR_STATES).optional(),
            tag: z.string().max(50).optional(),
            q: z.string().max(200).optional().meta({ description: "name contains (case-insensitive)" }),
            cursor: Cursor,
            limit: pageSize(50),
          }),
          response: { 200: pageOf(MonitorResponse), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        const page = await listMonitors(ctxFor(deps, request), filter, { cursor, limit });
        return { items: page.items.map(presentMonitor), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/monitors/:id",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["monitors"],
          summary: "Get a monitor",
          params: MonitorId,
          response: { 200: MonitorResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => presentMonitor(await getMonitor(ctxFor(deps, request), request.params.id)),
    );

    app.patch(
      "/monitors/:id",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          summary: "Change a monitor",
          description:
            "Top-level fields replace; `http`, `keyword`, `json` and `dns` blocks merge into the current ones. The result is validated as a whole monitor and rescheduled.",
          params: MonitorId,
          body: MonitorPatch,
          response: { 200: MonitorResponse, 422: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        const current = await getMonitor(ctx, request.params.id);
        const merged = mergePatch(toInput(current), request.body);
        const parsed = definition.safeParse(merged);
        if (!parsed.success) {
          const errors = toFieldIssues(
            "body",
            parsed.error.issues.map((i) => ({ ...i, keys: "keys" in i ? i.keys : undefined })),
          );
          throw new AppError("VALIDATION", `${errors.length} invalid field(s) in the body`, { errors });
        }
        const { definition: def, paused, parents } = splitInput(parsed.data);
        const updated = await updateMonitor(ctx, current.id, def, parents);
        if (paused === current.paused) return presentMonitor(updated);
        return presentMonitor(await setMonitorPaused(ctx, current.id, paused));
      },
    );

    app.delete(
      "/monitors/:id",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          summary: "Delete a monitor and its history",
          params: MonitorId,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteMonitor(ctxFor(deps, request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    for (const [verb, paused] of [
      ["pause", true],
      ["resume", false],
    ] as const) {
      app.post(
        `/monitors/:id/${verb}`,
        {
          config: { auth: { permission: "monitors:write" } },
          schema: {
            tags: ["monitors"],
            summary: paused
              ? "Pause a monitor (stops checks, resolves its open incident)"
              : "Resume a paused monitor",
            params: MonitorId,
            response: { 200: MonitorResponse, ...COMMON_ERRORS },
          },
        },
        async (request) =>
          presentMonitor(await setMonitorPaused(ctxFor(deps, request), request.params.id, paused)),
      );
    }

    app.post(
      "/monitors/:id/check",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          summary: "Check now: run one check at once, outside the schedule",
          params: MonitorId,
          response: {
            202: z.object({ monitorId: z.string(), slotAt: z.string() }),
            409: Problem,
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const queued = await checkNow(ctxFor(deps, request), request.params.id);
        return reply.status(202).send({ monitorId: queued.monitorId, slotAt: queued.slotAt.toISOString() });
      },
    );
  };
}

const BLOCKS = ["http", "keyword", "json", "dns"] as const;
const BLOCKS_BY_TYPE: Record<string, readonly string[]> = {
  http: ["http"],
  keyword: ["http", "keyword"],
  json: ["http", "json"],
  dns: ["dns"],
};

function mergePatch(current: Record<string, unknown>, patch: MonitorPatch): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const block = (BLOCKS as readonly string[]).includes(key)
      ? (current[key] as Record<string, unknown> | undefined)
      : undefined;
    merged[key] = block ? { ...block, ...(value as Record<string, unknown>) } : value;
  }
  keepRedactedHeaders(current, merged);
  // A change of type drops the settings blocks the new type does not take. `type` is not
  // validated yet: never stringify it (String() of a deeply nested array overflows the stack).
  const type = merged.type;
  const keep: readonly string[] =
    typeof type === "string" && Object.hasOwn(BLOCKS_BY_TYPE, type) ? BLOCKS_BY_TYPE[type]! : [];
  for (const key of BLOCKS) if (!keep.includes(key) && !(key in patch)) delete merged[key];
  return merged;
}

/**
 * A client that sends back the headers GET showed it would store "[redacted]" over the real
 * secret; a header whose value is exactly that placeholder keeps its stored value instead.
 */
function keepRedactedHeaders(current: Record<string, unknown>, merged: Record<string, unknown>): void {
  const before = (current.http as { headers?: Record<string, string> } | undefined)?.headers ?? {};
  const after = (merged.http as { headers?: Record<string, string> } | undefined)?.headers;
  if (!after) return;
  const headers = Object.fromEntries(
    Object.entries(after).map(([name, value]) => [
      name,
      value === REDACTED ? (before[name] ?? value) : value,
    ]),
  );
  merged.http = { ...(merged.http as object), headers };
}
