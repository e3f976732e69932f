import type { FastifyPluginAsync } from "fastify";
import type { StatusDeps } from "../access.ts";
import { countStatusRequest } from "../rate-limit.ts";
import { lazyRequestLogger } from "../request-logger.ts";
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
    // Most of these requests are served from memory and never log: their logger is made on first use.
    app.setChildLoggerFactory(lazyRequestLogger);
    // Callback-style, and the limiter is synchronous: no promise per request on these routes.
    app.addHook("onRequest", (request, reply, done) => {
      reply.header("x-content-type-options", "nosniff");
      reply.header("x-frame-options", "DENY");
      reply.header("referrer-policy", "strict-origin-when-cross-origin");
      try {
        countStatusRequest(deps.limiter, request.ip);
      } catch (err) {
        return done(err as Error);
      }
      done();
    });
    app.addHook("onClose", async () => deps.cache.close());
    await app.register(statusHtmlRoutes(deps));
    await app.register(statusEventRoutes(deps));
    await app.register(statusDataRoutes(deps));
    await app.register(statusFeedRoutes(deps));
    await app.register(statusSubscriptionRoutes(deps));
  };
}
