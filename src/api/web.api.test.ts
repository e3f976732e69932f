import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { registerErrorHandling } from "./plugins/errors.ts";
import { defaultWebRoot, registerWeb } from "./web.ts";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify("upblit dashboard ".repeat(400))});\n`;
const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

/** A tiny built dashboard: index.html, one hashed script with its brotli and gzip siblings, a favicon. */
function fixtureDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "upblit-web-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(path.join(dir, "index.html"), INDEX);
  writeFileSync(path.join(dir, "assets", "app-3f9a1c.js"), SCRIPT);
  writeFileSync(path.join(dir, "assets", "app-3f9a1c.js.br"), brotliCompressSync(SCRIPT));
  writeFileSync(path.join(dir, "assets", "app-3f9a1c.js.gz"), gzipSync(SCRIPT));
  writeFileSync(path.join(dir, "favicon.ico"), "icon");
  return dir;
}

/**
 * The dashboard served at / from a built folder (WEB_ROOT): index.html for every page load no route
 * answers (history fallback, no-cache, strict CSP), hashed assets cached as immutable and sent
 * precompressed, and the API, status pages and server-rendered pages left alone.
 */
describe.each(DB_KINDS)("the dashboard's files on %s", (kind) => {
  let up: TestUpblit;
  let dist: string;
  let empty: string;

  beforeAll(async () => {
    dist = fixtureDist();
    empty = mkdtempSync(path.join(tmpdir(), "upblit-web-empty-"));
    up = await startTestUpblit(kind, { ...API_ONLY, WEB_ROOT: dist });
  }, 180_000);
  afterAll(async () => {
    await up?.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });
  const get = (url: string, headers: Record<string, string> = HTML, on = up.app!) =>
    on.inject({ method: "GET", url, headers });

  it("answers every page load with index.html, uncached, under a strict CSP", async () => {
    for (const url of ["/", "/monitors/mon_01abc", "/incidents/inc_01abc?tab=timeline", "/wall"]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      const csp = String(res.headers["content-security-policy"]);
      for (const part of [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "style-src 'self'",
      ]) {
        expect(csp).toContain(part);
      }
      expect(csp).not.toContain("unsafe");
    }
    expect((await up.app!.inject({ method: "HEAD", url: "/monitors", headers: HTML })).statusCode).toBe(200);
  });

  it("sends hashed assets as immutable, brotli or gzip when accepted, plain otherwise", async () => {
    const url = "/assets/app-3f9a1c.js";
    const br = await get(url, { "accept-encoding": "gzip, br" });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);
    const gz = await get(url, { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);
    const plain = await get(url, {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    const icon = await get("/favicon.ico", {});
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["cache-control"]).toBe("no-cache");
  });

  it("leaves missing assets, the API, status pages and setup to their own answers", async () => {
    const missing = await get("/assets/app-000000.js");
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/^application\/problem\+json/);
    for (const url of [
      `${API}/nothing-here`,
      "/api/docs/nothing",
      "/status/no-such-page",
      "/ack/x.y",
      "/healthz",
    ]) {
      const res = await get(url);
      expect(res.body, url).not.toBe(INDEX);
    }
    expect((await get("/setup")).body).toContain("setup page is closed");
    // Not a page load: the JSON 404 stays.
    const json = await get("/monitors/mon_01abc", { accept: "application/json" });
    expect(json.statusCode).toBe(404);
    expect(json.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const post = await up.app!.inject({ method: "POST", url: "/monitors", headers: HTML, payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it("without a built dashboard says how to build it", async () => {
    // The same wiring as app.ts, on an app of its own: nothing here needs a database.
    const bare = Fastify();
    const web = await registerWeb(bare, empty);
    registerErrorHandling(bare, web.fallback);
    const res = await get("/", HTML, bare);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("npm run build:web");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect((await get("/assets/app-3f9a1c.js", {}, bare)).statusCode).toBe(404);
    expect((await get("/api/v1/monitors", HTML, bare)).statusCode).toBe(404);
    await bare.close();
  });

  it("finds web/dist beside the package's own package.json by default", () => {
    expect(defaultWebRoot()).toBe(path.resolve(import.meta.dirname, "..", "..", "web", "dist"));
  });
});
