import type { FastifyPluginAsync } from "fastify";
import type { Runtime } from "../services/context.ts";
import { StatusPageCache } from "./cache.ts";
import { StatusRequestLimiter } from "./rate-limit.ts";
import { publicStatusRoutes } from "./routes/index.ts";

/** The public side of status pages, as the app wires it (api/app.ts). */
export interface StatusPages {
  /** Register at the root: /status/{slug}…, /badge/{monitorId}/… */
  routes: FastifyPluginAsync;
  /** Call after every committed change of a page (the management API does). */
  pageChanged(pageId: string): void;
}

/** One read-model cache and one per-IP limiter for every public status route of this process. */
export function createStatusPages(options: {
  rt: Runtime;
  publicUrl: string;
  secureCookies: boolean;
  memberCookie: string;
  /** Overrides the per-IP limit of the public routes (the benchmark raises it). */
  requestsPerIp?: { limit: number; seconds: number } | undefined;
}): StatusPages {
  const { requestsPerIp, ...deps } = options;
  const cache = new StatusPageCache(options.rt);
  return {
    routes: publicStatusRoutes({ ...deps, cache, limiter: new StatusRequestLimiter(requestsPerIp) }),
    pageChanged: (pageId) => cache.invalidate(pageId),
  };
}
