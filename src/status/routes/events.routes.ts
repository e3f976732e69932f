import type { ServerResponse } from "node:http";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError } from "../../lib/errors.ts";
import { eventStreams } from "../../lib/sse.ts";
import { readablePage, type StatusDeps, visitorAccess } from "../access.ts";
import type { ReadModel } from "../cache.ts";
import { activeIncidentsSection } from "../html/incidents.ts";
import { livePayload } from "../view.ts";
import { Slug } from "./pages.routes.ts";

/** How often an open stream checks that its visitor may still see the page (edits, logouts). */
export const STREAM_RECHECK_MS = 5_000;
/** Open streams per process at most; beyond, new ones get 503 and browsers retry later. */
export const MAX_STREAMS = 5_000;

/**
 * GET /status/{slug}/events: Server-Sent Events for the page's script. On connect and after every
 * change of the page's read model (a component's state, a page edit) it sends one `page` event
 * with the banner and every component's public state (livePayload), nothing else: no other
 * monitors, no raw data. The stream ends with `page.closed` when the page goes away or the
 * visitor loses access.
 */
export function statusEventRoutes(deps: StatusDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const streams = eventStreams(app);

    app.get(
      "/status/:slug/events",
      {
        config: { auth: "public" },
        schema: {
          tags: ["public"],
          operationId: "streamStatusEvents",
          summary: "A status page's live state (Server-Sent Events)",
          params: Slug,
        },
      },
      async (request, reply) => {
        const model = await readablePage(deps, request, request.params.slug);
        if (streams.size >= MAX_STREAMS)
          throw new AppError("UNAVAILABLE", "Too many open streams; retry later");
        let end = () => {};
        const res = streams.open(request, reply, () => end());
        end = openStream(deps, request, res, model);
      },
    );
  };
}

/** Feeds one stream until the client leaves, the page goes or access is lost; returns its cleanup. */
function openStream(
  deps: StatusDeps,
  request: FastifyRequest,
  res: ServerResponse,
  first: ReadModel,
): () => void {
  const pageId = first.snapshot.page.id;
  let last = "";
  const send = (model: ReadModel) => {
    if (res.writableEnded) return;
    // The active incidents go as the page's own server-rendered (escaped, sanitised) markup, so an
    // incident published or updated shows without a reload.
    const incidentsHtml = activeIncidentsSection(model.snapshot).toString();
    const data = JSON.stringify({ ...livePayload(model.snapshot), incidentsHtml });
    if (data === last) return;
    last = data;
    res.write(`event: page\ndata: ${data}\n\n`);
  };
  const close = () => {
    if (res.writableEnded) return;
    res.write("event: page.closed\ndata: {}\n\n");
    res.end();
  };
  /** The current model, or undefined (and the stream closed) when the visitor may not see it. */
  const current = async (): Promise<ReadModel | undefined> => {
    const model = await deps.cache.byId(pageId);
    if (!model || (await visitorAccess(deps, model, request)) !== "granted") {
      close();
      return undefined;
    }
    return model;
  };
  // Changes that arrive while one is being applied are folded into one more round.
  let running = false;
  let again = false;
  const refresh = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const model = await current();
        if (!model) return;
        send(model);
      } while (again);
    } catch (err) {
      request.log.warn({ err }, "status stream refresh failed");
    } finally {
      running = false;
    }
  };

  send(first);
  const unsubscribe = deps.cache.onChange(pageId, () => void refresh());
  const recheck = setInterval(() => void refresh(), STREAM_RECHECK_MS);
  return () => {
    clearInterval(recheck);
    unsubscribe();
  };
}
