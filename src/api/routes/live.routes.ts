import type { ServerResponse } from "node:http";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { LiveEvent } from "../../queue/bus.ts";
import { type ApiDeps, ctxFor } from "../context.ts";

const HEARTBEAT_MS = 15_000;
/**
 * How often an open stream re-checks its credential: a logout, a password or role change or a
 * removal ends the stream within this time.
 */
export const RECHECK_MS = 2_000;

/**
 * Server-Sent Events: state changes (`monitor.state`) and new results (`check.result`) of the
 * caller's organization. Open streams are ended when the server closes.
 */
export function liveRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const streams = new Set<ServerResponse>();
    app.addHook("onClose", async () => {
      for (const res of streams) res.end();
    });

    app.get(
      "/events",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["events"],
          summary: "Live events (Server-Sent Events)",
          description:
            "A `text/event-stream` of `monitor.state`, `check.result` and `status_page.changed` (`{ pageId }`: a status page's incidents changed) events as JSON. A comment line is sent every 15 s to keep proxies from closing the stream. The credential is re-checked every 2 s: when it is revoked or loses `monitors:read`, a `session.ended` event is sent and the stream closes. Cross-origin requests with cookies are refused.",
          produces: ["text/event-stream"],
        },
      },
      async (request, reply) => {
        const ctx = ctxFor(deps, request);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, no-transform",
          connection: "keep-alive",
          "x-accel-buffering": "no",
          "x-request-id": String(request.id),
        });
        res.write(": connected\n\n");
        streams.add(res);
        const send = (event: LiveEvent) => {
          const { organizationId: _org, ...data } = event;
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        const unsubscribe = ctx.bus.subscribe(ctx.organizationId, send);
        const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
        const recheck = setInterval(async () => {
          if (await request.stillAuthorized?.()) return;
          res.write('event: session.ended\ndata: {"reason":"credential revoked or permission lost"}\n\n');
          res.end();
        }, RECHECK_MS);
        res.on("close", () => {
          clearInterval(heartbeat);
          clearInterval(recheck);
          unsubscribe();
          streams.delete(res);
        });
      },
    );
  };
}
