import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError } from "../../lib/errors.ts";
import type { StatusDeps } from "../access.ts";
import { renderAtom, renderRss } from "../feeds.ts";
import { sendCached } from "../http.ts";
import { Representation } from "../representation.ts";
import { Slug } from "./pages.routes.ts";

/**
 * RSS and Atom feeds of a page's published incidents and maintenance. Feeds exist only for public
 * pages (feed readers carry no cookies); any other page answers like one that does not exist.
 */
export function statusFeedRoutes(deps: StatusDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const feed = (ext: "rss" | "atom", type: string, render: typeof renderRss) =>
      app.get(
        `/status/:slug/feed.${ext}`,
        {
          config: { auth: "public" },
          schema: {
            tags: ["public"],
            operationId: ext === "rss" ? "getStatusFeedRss" : "getStatusFeedAtom",
            summary: `A public status page's incidents and maintenance as ${ext === "rss" ? "RSS" : "Atom"}`,
            params: Slug,
          },
        },
        async (request, reply) => {
          const model = await deps.cache.bySlug(request.params.slug);
          if (model?.snapshot.page.visibility !== "public") {
            throw new AppError("NOT_FOUND", "There is no feed at this address");
          }
          const representation = model.memo(
            `feed:${ext}`,
            () => new Representation(render(model.snapshot, deps.publicUrl)),
          );
          return sendCached(request, reply, { representation, visibility: "public", type });
        },
      );
    feed("rss", "application/rss+xml; charset=utf-8", renderRss);
    feed("atom", "application/atom+xml; charset=utf-8", renderAtom);
  };
}
