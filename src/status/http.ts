import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** Browsers and shared caches keep public pages this long, then may serve them stale while revalidating. */
export const PUBLIC_MAX_AGE_SECONDS = 30;
export const STALE_WHILE_REVALIDATE_SECONDS = 60;
export const BADGE_MAX_AGE_SECONDS = 60;

/** A weak validator of a representation: equal bodies (up to the nonce) have equal tags. */
export function etagOf(body: string): string {
  return `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

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
    reply.header(
      "cache-control",
      `public, max-age=${PUBLIC_MAX_AGE_SECONDS}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}`,
    );
  } else {
    reply.header("cache-control", "private, no-cache");
    reply.header("vary", "Cookie");
  }
  reply.header("etag", etag);
}

/**
 * Sends `body`, or 304 Not Modified when the client holds this representation. The 304 carries
 * the validators and cache headers only: a page's stored CSP must stay the one that matches its
 * stored body (and its nonce), so no new CSP is sent with it.
 */
export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    etag: string;
    visibility: string;
    type: string;
    body: () => string;
    headers?: Record<string, string>;
  },
) {
  cacheHeaders(reply, options.visibility, options.etag);
  if (matchesEtag(request, options.etag)) return reply.status(304).send();
  if (options.headers) reply.headers(options.headers);
  return reply.status(200).type(options.type).send(options.body());
}
