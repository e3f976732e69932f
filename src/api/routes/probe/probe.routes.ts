import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import {
  acceptProbeResults,
  claimProbeSlots,
  OFFLINE_MAX_AGE_MS,
  PROBE_PROTOCOLS,
  type ProbeProtocol,
  probeAssignments,
} from "../../../services/probe-tokens/protocol.ts";
import type { ProbeCaller } from "../../../services/probe-tokens/tokens.ts";
import type { ApiDeps } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import {
  AssignmentsResponse,
  ClaimBody,
  ClaimResponse,
  ProbeResultsBody,
  ProbeResultsResponse,
} from "./schemas.ts";

const PROBE = { auth: "probe" } as const;
const TAGS = ["probe"];

/**
 * The protocol version the request speaks (`Upblit-Probe-Protocol`; none: 1, as the first agents
 * sent it). This server answers the current version and the one before; anything else is refused
 * with a problem the agent prints.
 */
function protocolOf(request: FastifyRequest): ProbeProtocol {
  const spoken = request.headers["upblit-probe-protocol"];
  if (spoken === undefined) return 1;
  const version = Number(spoken);
  const known = PROBE_PROTOCOLS.find((v) => v === version);
  if (known !== undefined) return known;
  const speaks = PROBE_PROTOCOLS.join(" and ");
  throw new AppError(
    "VALIDATION",
    `This server speaks probe protocol ${speaks}, not ${String(spoken).slice(0, 20)}: run a probe of a matching version (upgrade the probe or the server)`,
    {
      errors: [{ path: "headers.upblit-probe-protocol", message: `must be ${PROBE_PROTOCOLS.join(" or ")}` }],
    },
  );
}

function callerOf(request: FastifyRequest): ProbeCaller {
  if (!request.probeCaller) throw new Error(`route ${request.routeOptions.url} has no probe caller`);
  protocolOf(request);
  return request.probeCaller;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The remote-probe protocol (docs/remote-probes.md): outbound HTTP/1.1 requests from the probe,
 * answered for the token's region and organization only.
 */
export function probeRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const lostGraceMs = deps.probes?.lostCheckGraceMs ?? 60_000;
  return async (app) => {
    app.get(
      "/probe/assignments",
      {
        config: PROBE,
        schema: {
          tags: TAGS,
          operationId: "getProbeAssignments",
          summary: "The monitors a remote probe's region checks",
          description:
            "Every active monitor of the token's organization that names the token's region, as check specs. Send the last `revision` in `If-None-Match`: an unchanged set answers 304 with no body.",
          response: {
            200: AssignmentsResponse,
            304: z.null().meta({ description: "Unchanged since the revision sent" }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const protocol = protocolOf(request);
        const { revision, allowPrivateTargets, monitors } = await probeAssignments(deps.rt, caller);
        reply.header("etag", `"${revision}"`);
        if (request.headers["if-none-match"] === `"${revision}"`) return reply.status(304).send(null);
        const common = { protocol, region: caller.region, revision, serverTime: deps.rt.clock.now() };
        if (protocol === 1) {
          // Version 1's shape: the specs as they were, nothing it does not know.
          const v1 = monitors.map(({ intervalSeconds: _i, ...spec }) => spec);
          return { ...common, monitors: v1 as unknown as Array<Record<string, unknown>> };
        }
        return {
          ...common,
          allowPrivateTargets,
          offlineMaxSeconds: OFFLINE_MAX_AGE_MS / 1000,
          monitors: monitors as unknown as Array<Record<string, unknown>>,
        };
      },
    );

    app.post(
      "/probe/claims",
      {
        config: PROBE,
        schema: {
          tags: TAGS,
          operationId: "claimProbeSlots",
          summary: "Claim due slots (long-poll)",
          description:
            "Claims the region's due slots, each handed to one probe only. With nothing due it waits up to `waitSeconds` for a slot, answering as soon as one is due; a token revoked meanwhile ends the wait with 401.",
          body: ClaimBody,
          response: { 200: ClaimResponse, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const deadline = Date.now() + request.body.waitSeconds * 1000;
        let closed = false;
        reply.raw.once("close", () => {
          closed = true;
        });
        for (;;) {
          const slots = await claimProbeSlots(deps.rt, caller, request.body.max, lostGraceMs);
          if (slots.length > 0 || Date.now() >= deadline || closed) {
            return { protocol: protocolOf(request), serverTime: deps.rt.clock.now(), slots };
          }
          await pause(Math.min(500, deadline - Date.now()));
          if (!(await request.stillAuthorized?.())) {
            throw new AppError("UNAUTHENTICATED", "The probe token is not valid (revoked or unknown)");
          }
        }
      },
    );

    app.post(
      "/probe/results",
      {
        config: PROBE,
        schema: {
          tags: TAGS,
          operationId: "postProbeResults",
          summary: "Report results of claimed slots (and offline results)",
          description:
            "Results of slots this region's probes claimed, stored once per (monitor, region, slot): sending one twice is harmless. A result naming another region refuses the batch (403); one for a slot that was not claimed (another organization's monitor, a made-up or expired slot) is listed in `refused`. Protocol 2: a result marked `offline` (checked while the probe could not reach the server) needs no claim but must be on the monitor's slot grid and at most 24 h old; it is stored in history and never moves the monitor's state.",
          body: ProbeResultsBody,
          response: { 200: ProbeResultsResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const { results } = request.body;
        if (protocolOf(request) === 1) {
          const offline = results.findIndex((r) => r.offline !== undefined);
          if (offline >= 0) {
            throw new AppError("VALIDATION", "Offline results need probe protocol 2", {
              errors: [
                { path: `body.results.${offline}.offline`, message: "needs Upblit-Probe-Protocol: 2" },
              ],
            });
          }
        }
        return acceptProbeResults(deps.rt, caller, results);
      },
    );
  };
}
