import type { IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpSpec, PRIVATE_OK, startServer, type TestServer } from "../../probe/fixtures.test-support.ts";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { probeHttp } from "./probe.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let origin: TestServer;
let other: TestServer;
const seenByOrigin: Seen[] = [];
const seenByOther: Seen[] = [];

/** `/hop/N` redirects to `/hop/N-1` until `/hop/0`, which answers 200. */
function redirectTarget(url: string, otherOrigin: string): [number, string] | undefined {
  const hop = /^\/hop\/(\d+)$/.exec(url);
  if (hop) return Number(hop[1]) > 0 ? [302, `/hop/${Number(hop[1]) - 1}`] : undefined;
  const routes: Record<string, [number, string]> = {
    "/moved": [301, "/hop/0"],
    "/see-other": [303, "/hop/0"],
    "/temporary": [307, "/hop/0"],
    "/to-other": [302, `${otherOrigin}/landing`],
    "/to-ftp": [302, "ftp://127.0.0.1/file"],
    "/to-file": [302, "file:///etc/passwd"],
    "/to-metadata": [302, "http://169.254.169.254/latest/meta-data"],
    "/to-metadata-name": [302, "http://metadata.google.internal/computeMetadata/v1/"],
  };
  return routes[url];
}

beforeAll(async () => {
  other = await startServer((req, res) => {
    seenByOther.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    res.end("other");
  });
  origin = await startServer((req, res) => {
    seenByOrigin.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    const target = redirectTarget(req.url ?? "", other.origin);
    if (!target) return res.end("done");
    res.writeHead(target[0], { location: target[1] });
    res.end("redirecting");
  });
});

afterAll(async () => {
  await Promise.all([origin.close(), other.close()]);
});

describe("probeHttp redirects", () => {
  it("follows redirects up to maxRedirects, each on a fresh connection", async () => {
    const before = origin.connections();
    const obs = await probeHttp(httpSpec(`${origin.origin}/hop/3`, { maxRedirects: 3 }), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.statusCode).toBe(200);
    expect(origin.connections() - before).toBe(4);
  });

  it("fails with too_many_redirects past the limit", async () => {
    const obs = await probeHttp(httpSpec(`${origin.origin}/hop/4`, { maxRedirects: 3 }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("too_many_redirects");
    expect(obs.statusCode).toBeUndefined();
  });

  it("returns the 3xx itself when not following", async () => {
    const obs = await probeHttp(httpSpec(`${origin.origin}/moved`, { followRedirects: false }), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.statusCode).toBe(301);
    expect(obs.headers?.["location"]).toBe("/hop/0");
  });

  it.each(["/to-ftp", "/to-file"])("refuses a redirect to another scheme (%s)", async (path) => {
    const obs = await probeHttp(httpSpec(`${origin.origin}${path}`), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
  });

  it("turns POST into a bodiless GET on 303, and keeps it on 307", async () => {
    const post = { method: "POST" as const, body: "x=1", headers: { "content-type": "text/plain" } };
    await probeHttp(httpSpec(`${origin.origin}/see-other`, post), PRIVATE_OK);
    const afterSeeOther = seenByOrigin.at(-1);
    expect(afterSeeOther).toMatchObject({ method: "GET", url: "/hop/0" });
    expect(afterSeeOther?.headers["content-type"]).toBeUndefined();
    await probeHttp(httpSpec(`${origin.origin}/temporary`, post), PRIVATE_OK);
    expect(seenByOrigin.at(-1)).toMatchObject({ method: "POST", url: "/hop/0" });
  });

  it("keeps Authorization on a same-origin hop and drops it on a cross-origin one", async () => {
    const auth = { auth: { type: "bearer" as const, token: "secret-token" }, headers: { Cookie: "s=1" } };
    await probeHttp(httpSpec(`${origin.origin}/moved`, auth), PRIVATE_OK);
    const sameOrigin = seenByOrigin.filter((s) => s.url === "/hop/0").at(-1);
    expect(sameOrigin?.headers.authorization).toBe("Bearer secret-token");

    const obs = await probeHttp(httpSpec(`${origin.origin}/to-other`, auth), PRIVATE_OK);
    expect(obs.statusCode).toBe(200);
    expect(seenByOrigin.find((s) => s.url === "/to-other")?.headers.authorization).toBe(
      "Bearer secret-token",
    );
    const landed = seenByOther.find((s) => s.url === "/landing");
    expect(landed).toBeDefined();
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers.cookie).toBeUndefined();
  });

  it.each(["/to-metadata", "/to-metadata-name"])(
    "re-validates every hop: %s is blocked even with private targets allowed",
    async (path) => {
      const started = performance.now();
      const obs = await probeHttp(httpSpec(`${origin.origin}${path}`, {}, 30_000), PRIVATE_OK);
      expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      // No connection was attempted: a real one to 169.254.169.254 would hang until the 30 s
      // deadline (long, so a busy machine cannot make the refusal itself look like a hang).
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(obs.remoteAddress).toBe("127.0.0.1");
    },
  );
});
