import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MONITOR_STATES } from "../../../domain/monitor.ts";
import { AppError } from "../../../lib/errors.ts";
import { blocksOf, MONITOR_TYPES, monitorType, SETTINGS_BLOCKS } from "../../../monitor-types/types.ts";
import { awaitCheckResult, checkNow } from "../../../services/monitors/check-now.ts";
import { createMonitor } from "../../../services/monitors/create.ts";
import { getMonitor, listMonitors } from "../../../services/monitors/query.ts";
import { testCheck } from "../../../services/monitors/test-check.ts";
import { deleteMonitor, setMonitorPaused, updateMonitor } from "../../../services/monitors/update.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { invalidFieldsDetail, toFieldIssues } from "../../field-errors.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { presentResult, ResultItem } from "../results.present.ts";
import { MonitorResponse, presentMonitor, toInput } from "./present.ts";
import {
  defaultTimeoutMs,
  MonitorPatch,
  monitorDefinitionSchema,
  requireCapabilities,
  splitInput,
} from "./schemas.ts";

export const MonitorId = z.object({ id: z.string().max(40).meta({ example: "mon_01jd…" }) });

/** How long `?wait=true` waits beyond the monitor's timeout for the result to be recorded. */
const WAIT_MARGIN_MS = 5_000;

const Queued = z
  .object({ monitorId: z.string(), slotAt: z.string() })
  .meta({ description: "The check is queued; its result appears in the monitor's results" });

const TestResult = ResultItem.extend({
  monitorId: z.null().meta({ description: "null: the definition is not saved" }),
  screenshot: z.string().nullable().meta({
    description:
      "Always null: a test check stores nothing, so a failed browser check's screenshot is not kept (save the monitor and check it now to get one)",
  }),
}).meta({ id: "TestCheckResult" });

export function monitorRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const definition = monitorDefinitionSchema(deps.limits, deps.rt.region);
  return async (app) => {
    app.post(
      "/monitors",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          operationId: "createMonitor",
          summary: "Create a monitor",
          description: "Send an `Idempotency-Key` header to make retries safe.",
          body: definition,
          response: { 201: MonitorResponse, 422: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { definition: def, paused, parents } = splitInput(request.body);
        requireCapabilities(def.type, deps.capabilities);
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
          operationId: "listMonitors",
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
          operationId: "getMonitor",
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
          operationId: "updateMonitor",
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
          throw new AppError("VALIDATION", invalidFieldsDetail(errors.length, "body"), { errors });
        }
        const { definition: def, paused, parents } = splitInput(parsed.data);
        if (def.type !== current.type) requireCapabilities(def.type, deps.capabilities);
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
          operationId: "deleteMonitor",
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
            operationId: paused ? "pauseMonitor" : "resumeMonitor",
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
          operationId: "checkMonitor",
          summary: "Check now: run one check at once, outside the schedule",
          description: `Queues one check of the monitor, marked \`manual\` and recorded like any other (for a monitor of one region it moves the state and may alert; with several regions it is stored and shown, and only the quorum of scheduled slots moves the state). Without \`wait\` the answer is 202 at once. With \`wait=true\` the request waits for the result, at most the monitor's timeout plus ${WAIT_MARGIN_MS / 1000} s, and answers 200 with it as the results endpoint shows it (outcome, timing phases, status code, error, each assertion's verdict, and for a failed browser check the \`screenshot\` path, stored with the result under the same retention and readable only by the monitor's organization); if the result is not recorded by then, 202 as without \`wait\`. 409 while a check of the monitor is running; 503 when no probe (in any process) serves this API process's region.`,
          params: MonitorId,
          querystring: z.strictObject({
            wait: z
              .enum(["true", "false"])
              .default("false")
              .meta({ description: "true: answer with the result once it is recorded" }),
          }),
          response: { 200: ResultItem, 202: Queued, 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const ctx = ctxFor(deps, request);
        const queued = await checkNow(ctx, request.params.id);
        const accepted = { monitorId: queued.monitorId, slotAt: queued.slotAt.toISOString() };
        if (request.query.wait !== "true") return reply.status(202).send(accepted);
        const within = queued.timeoutMs + WAIT_MARGIN_MS;
        const result = await awaitCheckResult(ctx, queued.monitorId, queued.slotAt, within);
        if (!result) return reply.status(202).send(accepted);
        return reply.status(200).send(presentResult(result));
      },
    );

    app.post(
      "/monitors/test",
      {
        config: { auth: { permission: "monitors:write" } },
        schema: {
          tags: ["monitors"],
          operationId: "testMonitor",
          summary: "Test a monitor definition without saving it",
          description:
            "Runs one check of the definition in the body — the same schema, validation and target safety as creating a monitor — and answers with its result: outcome, timing phases, status code, error and each assertion's verdict. Nothing is saved (no monitor, no result, no audit row) and nothing alerts. `parents`, `regions` and `paused` are validated but play no part: the check runs once, here. Limited per organization: 30 a minute and 3 at once (429 with `Retry-After` beyond).",
          body: definition,
          response: { 200: TestResult, 422: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const ctx = ctxFor(deps, request);
        const { definition: def } = splitInput(request.body);
        requireCapabilities(def.type, deps.capabilities);
        const r = await testCheck(ctx, deps.rateLimits, def, deps.runCheck);
        const at = new Date(r.startedAt);
        return {
          ...presentResult({
            monitor_id: "",
            region: ctx.region,
            slot_at: at,
            lateness_ms: 0,
            manual: true,
            status: r.status,
            status_code: r.statusCode ?? null,
            dns_ms: r.timings.dns ?? null,
            connect_ms: r.timings.connect ?? null,
            tls_ms: r.timings.tls ?? null,
            ttfb_ms: r.timings.firstByte ?? null,
            total_ms: r.timings.total,
            error_kind: r.error?.kind ?? null,
            error: r.error?.message ?? null,
            verdicts: r.verdicts,
          }),
          monitorId: null,
        };
      },
    );
  };
}

function mergePatch(current: Record<string, unknown>, patch: MonitorPatch): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const block = SETTINGS_BLOCKS.includes(key)
      ? (current[key] as Record<string, unknown> | undefined)
      : undefined;
    merged[key] = block ? { ...block, ...(value as Record<string, unknown>) } : value;
  }
  monitorType(merged.type)?.secrets?.keep(current, merged);
  followDefaultTimeout(current, merged, patch);
  // A change of type drops the settings blocks the new type does not take. `type` is not
  // validated yet: never stringify it (String() of a deeply nested array overflows the stack).
  const type = merged.type;
  const keep = blocksOf(type);
  for (const key of SETTINGS_BLOCKS) if (!keep.includes(key) && !(key in patch)) delete merged[key];
  return merged;
}

/**
 * A timeout equal to the default for the current interval is the default (nothing marks a timeout
 * as chosen), so it follows a new interval; `timeoutMs: null` returns to the default. A timeout
 * that differs from the default is kept as given (docs/monitors.md).
 */
function followDefaultTimeout(
  current: Record<string, unknown>,
  merged: Record<string, unknown>,
  patch: MonitorPatch,
): void {
  if (patch.timeoutMs === null) {
    delete merged.timeoutMs;
    return;
  }
  if (patch.timeoutMs !== undefined || patch.intervalSeconds === undefined) return;
  const interval = Number(current.intervalSeconds);
  if (current.timeoutMs === defaultTimeoutMs(interval)) delete merged.timeoutMs;
}
