/**
 * Until Upblit serves the dashboard itself (SPA serving at `/` comes with the `incidents-api`
 * branch), the browser tests and bench:dashboard put this in front of a server that does not:
 * web/dist as static files with a history fallback to index.html, everything under /api, /readyz
 * and /healthz passed through to Upblit (event streams included). When the server answers `/`
 * with HTML, `spaBase` returns its own URL and nothing is started. Delete this file once SPA
 * serving is on main.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ROOT } from "../helpers.ts";

const DIST = path.join(ROOT, "web/dist");
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface SpaFront {
  base: string;
  /** True when this front serves the files (the server does not serve the SPA yet). */
  fronting: boolean;
  close(): Promise<void>;
}

/** The URL to open the dashboard at: the server's own, or a front's when the server has no SPA. */
export async function spaBase(upstream: string): Promise<SpaFront> {
  const probe = await fetch(`${upstream}/`, { headers: { accept: "text/html" } });
  const body = await probe.text();
  if (probe.ok && body.includes('<div id="root">'))
    return { base: upstream, fronting: false, close: async () => {} };
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (/^\/(api|readyz|healthz)(\/|$)/.test(url.pathname)) {
      const up = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.pipe(up);
      res.on("close", () => up.destroy());
      return;
    }
    const file = path.join(DIST, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ""));
    const found =
      file.startsWith(DIST) && existsSync(file) && !file.endsWith(path.sep) && path.extname(file) !== "";
    const served = found ? file : path.join(DIST, "index.html");
    res.writeHead(200, {
      "content-type": TYPES[path.extname(served)] ?? "application/octet-stream",
      "cache-control": found ? "public, max-age=31536000, immutable" : "no-cache",
    });
    res.end(readFileSync(served));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    fronting: true,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
