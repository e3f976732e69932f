import type { FastifyReply, FastifyRequest } from "fastify";
import { chooseCoding, type Representation } from "./representation.ts";

export { etagOf } from "./representation.ts";

/** Browsers and shared caches keep public pages this long, then may serve them stale while revalidating. */
export const PUBLIC_MAX_AGE_SECONDS = 30;
export const STALE_WHILE_REVALIDATE_SECONDS = 60;
export const BADGE_MAX_AGE_SECONDS = 60;
const PUBLIC_CACHE_CONTROL = `public, max-age=${PUBLIC_MAX_AGE_SECONDS}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}`;

/** Whether the request's If-None-Match names this tag (weak comparison, lists and `*` included). */
export function matchesEtag(request: FastifyRequest, etag: string): boolean {
  const header = request.headers["if-none-match"];
  if (typeof header !== "string" || header.length === 0 || header.length > 2000) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => opaque(tag) === opaque(etag));
}

/**
 * Cache headers of a status page response: public pages may be cached anywhere for a short
 * while (and served stale while revalidating); password and members pages only by the browser,
 * revalidated each time, and varying with the cookies that grant access.
 */
export function cacheHeaders(reply: FastifyReply, visibility: string, etag: string): void {
  if (visibility === "public") {
    reply.header("cache-control", PUBLIC_CACHE_CONTROL);
  } else {
    reply.header("cache-control", "private, no-cache");
    reply.header("vary", "Cookie");
  }
  reply.header("etag", etag);
}

/**
 * Sends a cached representation, or 304 Not Modified when the client holds it. The body goes
 * brotli- or gzip-compressed when the client accepts it (compressed once per read-model build,
 * see Representation), with `Vary: Accept-Encoding`. The 304 carries the validators and cache
 * headers only.
 */
export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    representation: Representation;
    visibility: string;
    type: string;
    headers?: Record<string, string>;
  },
) {
  const { representation } = options;
  cacheHeaders(reply, options.visibility, representation.etag);
  if (representation.compressible) {
    const vary = reply.getHeader("vary");
    reply.header("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  if (matchesEtag(request, representation.etag)) return reply.status(304).send();
  if (options.headers) reply.headers(options.headers);
  const coding = representation.compressible ? chooseCoding(request.headers["accept-encoding"]) : "identity";
  if (coding !== "identity") reply.header("content-encoding", coding);
  return reply.status(200).type(options.type).send(representation.bytes(coding));
}
