import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { eventStreams } from "../../lib/sse.ts";
import { type ApiDeps, ctxFor } from "../context.ts";
import { LiveReplay, REPLAY_LIMITS } from "../live-replay.ts";

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
    const streams = eventStreams(app);
    const replay = new LiveReplay(deps.rt.bus);
    app.addHook("onClose", async () => replay.close());

    app.get(
      "/events",
      {
        config: { auth: { permission: "monitors:read" } },
        schema: {
          tags: ["events"],
          operationId: "streamEvents",
          summary: "Live events (Server-Sent Events)",
          description:
            "A `text/event-stream` of `monitor.state`, `check.result`, `incident.changed` (`{ incidentId, monitorId, change }`: opened, resolved, acknowledged, updated by a person, or a note added) and `status_page.changed` (`{ pageId }`: a status page was created, edited or deleted, or its incidents changed) and `delivery.changed` (`{ notificationId, channelId, status }`: a notification was claimed for sending, an attempt was recorded, or a dead letter was sent again) events as JSON. A comment line is sent every 15 s to keep proxies from closing the stream. The credential is re-checked every 2 s: when it is revoked or loses `monitors:read`, a `session.ended` event is sent and the stream closes. Cross-origin requests with cookies are refused." +
            ` Each event has an \`id:\`; reconnecting with \`Last-Event-ID\` replays the events missed since (the last ${REPLAY_LIMITS.events} of the organization, kept ${REPLAY_LIMITS.idleMs / 60_000} minutes after its last stream closed, by the same API process); an id that cannot be continued gets a \`stream.reset\` event first: reload what you show.`,
          produces: ["text/event-stream"],
        },
      },
      async (request, reply) => {
        const ctx = ctxFor(deps, request);
        let unsubscribe = () => {};
        let recheck: NodeJS.Timeout | undefined;
        const res = streams.open(request, reply, () => {
          clearInterval(recheck);
          unsubscribe();
        });
        const lastEventId = request.headers["last-event-id"];
        const follow = replay.follow(
          ctx.organizationId,
          typeof lastEventId === "string" && lastEventId !== "" ? lastEventId : undefined,
          (id, event) => {
            const { organizationId: _org, ...data } = event;
            res.write(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
          },
        );
        if (follow.gap)
          res.write(
            'event: stream.reset\ndata: {"reason":"events since Last-Event-ID are not available"}\n\n',
          );
        unsubscribe = follow.stop;
        recheck = setInterval(async () => {
          if (await request.stillAuthorized?.()) return;
          res.write('event: session.ended\ndata: {"reason":"credential revoked or permission lost"}\n\n');
          res.end();
        }, RECHECK_MS);
      },
    );
  };
}
