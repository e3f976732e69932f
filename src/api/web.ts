import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { packageRoot } from "../lib/package-root.ts";

/**
 * The dashboard's Content-Security-Policy: scripts, styles and API calls from this origin only.
 * Style attributes set from script (CSSOM, as React and uPlot do) need no `unsafe-inline`.
 */
export const SPA_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Paths the dashboard never takes over: the API, its docs, the server-rendered pages (status pages,
 * acknowledge links, first-run setup), probes, and the hashed assets (a missing one is a 404).
 */
export const NOT_SPA_PREFIXES = [
  "/api",
  "/status",
  "/badge",
  "/ack",
  "/setup",
  "/healthz",
  "/readyz",
  "/ping",
  "/docs",
  "/assets",
  "/_custom-domain",
  "/.well-known",
];

/** web/dist in the package folder: right for the sources (tsx) and the compiled dist/ alike. */
export function defaultWebRoot(): string {
  return path.join(packageRoot(), "web", "dist");
}

const HTML_HEADERS = {
  "content-security-policy": SPA_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-cache",
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Upblit</title></head>
<body><h1>Upblit</h1>
<p>The dashboard is not built yet. Run <code>npm run build:web</code> and restart Upblit.</p>
<p>Meanwhile: the <a href="/api/docs">API documentation</a>; on a fresh install, the first-run
<a href="/setup">setup page</a> (open the setup link the server printed at start).</p>
</body></html>
`;

/** Whether a request is a page load the dashboard should answer (history fallback). */
export function isSpaRequest(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (!String(request.headers.accept ?? "").includes("text/html")) return false;
  const pathname = request.url.split("?")[0] ?? "/";
  return !NOT_SPA_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/**
 * Serves the single-page dashboard built into `root` (default web/dist): hashed files under
 * /assets/ cached for a year as immutable (brotli or gzip siblings sent when accepted), other
 * top-level files (favicon, manifest) revalidated, and index.html (no-cache, strict CSP) for every
 * page load that no route answered (`fallback`, called by the not-found handler). Without a built
 * dashboard, page loads get a short page saying how to build it.
 */
export async function registerWeb(
  app: FastifyInstance,
  root: string = defaultWebRoot(),
): Promise<{ fallback: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean> }> {
  const index = path.join(root, "index.html");
  const built = existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(root, "assets"),
      prefix: "/assets/",
      decorateReply: false,
      preCompressed: true,
      index: false,
      dotfiles: "ignore",
      cacheControl: false,
      setHeaders: (reply) => reply.header("cache-control", "public, max-age=31536000, immutable"),
    });
    await app.register(fastifyStatic, {
      root,
      prefix: "/",
      decorateReply: false,
      // Only the files there now; routes are made at start and the fallback serves index.html.
      wildcard: false,
      globIgnore: ["assets/**", "index.html", "**/*.map"],
      preCompressed: true,
      index: false,
      dotfiles: "ignore",
      cacheControl: false,
      setHeaders: (reply) => reply.header("cache-control", "no-cache"),
    });
  }
  return {
    fallback: async (request, reply) => {
      if (!isSpaRequest(request)) return false;
      // Read each time: a rebuilt dashboard is served without a restart, and the file is small.
      const html = built ? await readFile(index, "utf8").catch(() => NOT_BUILT) : NOT_BUILT;
      await reply.status(200).headers(HTML_HEADERS).type("text/html; charset=utf-8").send(html);
      return true;
    },
  };
}
