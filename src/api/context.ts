import type { FastifyRequest } from "fastify";
import type { Ctx, Runtime } from "../services/context.ts";

export interface ApiDeps {
  rt: Runtime;
  /** Until accounts land, every request acts in the one default organization. */
  organizationId: string;
  limits: { minIntervalSeconds: number; bodyLimitBytes: number };
  isReady: () => Promise<boolean>;
}

export function ctxFor(deps: ApiDeps, request: FastifyRequest): Ctx {
  return { ...deps.rt, organizationId: deps.organizationId, requestId: String(request.id) };
}
