import type { FastifyPluginAsync } from "fastify";
import type { StatusDeps } from "../access.ts";
import { countStatusRequest } from "../rate-limit.ts";
import { statusDataRoutes } from "./data.routes.ts";
import { statusEventRoutes } from "./events.routes.ts";
import { statusFeedRoutes } from "./feeds.routes.ts";
import { statusHtmlRoutes } from "./pages.routes.ts";
import { statusSubscriptionRoutes } from "./subscriptions.routes.ts";

/**
 * Every public status route, outside /api/v1 and with `config.auth: "public"`: the page, its
 * login, its live stream, its JSON and the badges. Each request counts against the per-IP limit
 * first, and every response says what it is and refuses to be framed or sniffed. Successful reads
 * are logged at debug (refusals and errors still at info and above).
 */
export function publicStatusRoutes(deps: StatusDeps): FastifyPluginAsync {
  return async (app) => {
    // Reads answered from memory, thousands a second: their successes are logged at debug (app.ts).
    app.addHook("onRoute", (route) => {
      if ([route.method].flat().every((m) => m === "GET" || m === "HEAD"))
        route.config = { ...route.config, requestLog: "failures" };
    });
    app.addHook("onRequest", async (request, reply) => {
      reply.headers({
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
      });
      await countStatusRequest(deps.limiter, request.ip);
    });
    app.addHook("onClose", async () => deps.cache.close());
    await app.register(statusHtmlRoutes(deps));
    await app.register(statusEventRoutes(deps));
    await app.register(statusDataRoutes(deps));
    await app.register(statusFeedRoutes(deps));
    await app.register(statusSubscriptionRoutes(deps));
  };
}
