import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  httpSpec,
  PRIVATE_OK,
  PUBLIC_ONLY,
  startServer,
  type TestServer,
} from "../../probe/fixtures.test-support.ts";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { probeHttp } from "./probe.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer((_req, res) => res.end("reached"));
});

afterAll(async () => {
  await server.close();
});

/** Spellings of loopback, private, link-local and metadata targets a URL parser accepts. */
function blockedUrls(port: number): string[] {
  return [
    `http://127.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://LOCALHOST.:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::ffff:7f00:1]:${port}/`,
    `http://[64:ff9b::7f00:1]:${port}/`,
    `https://127.0.0.1:${port}/`,
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://10.0.0.1/",
    "http://192.168.0.1/",
    "http://100.64.0.1/",
    "http://[fe80::1]/",
    "http://metadata.google.internal/computeMetadata/v1/",
  ];
}

/**
 * The deadline given to checks that must be refused without connecting: a connection attempt
 * (to 169.254.169.254, say, which nothing here answers) would hang until it. Long, so the bound
 * "refused well before it" holds on a busy machine, where even a refusal can take a second.
 */
const CONNECT_WOULD_HANG_MS = 30_000;

describe("probeHttp target safety", () => {
  it("refuses every private spelling without opt-in, fast and without connecting", async () => {
    for (const url of blockedUrls(server.port)) {
      const started = performance.now();
      const obs = await probeHttp(httpSpec(url, {}, CONNECT_WOULD_HANG_MS), PUBLIC_ONLY);
      expect(obs.error, url).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      expect(obs.statusCode, url).toBeUndefined();
      expect(obs.remoteAddress, url).toBeUndefined();
      // A connection attempt to an unrouted address would have run into the check's deadline.
      expect(performance.now() - started, url).toBeLessThan(CONNECT_WOULD_HANG_MS);
    }
    expect(server.connections()).toBe(0);
  });

  it("reaches the same local server once private targets are allowed", async () => {
    const obs = await probeHttp(httpSpec(`http://localhost:${server.port}/`), PRIVATE_OK);
    expect(obs.statusCode).toBe(200);
    expect(server.connections()).toBe(1);
  });

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://metadata.goog/",
  ])("refuses cloud metadata %s even with private targets allowed", async (url) => {
    const obs = await probeHttp(httpSpec(url, {}, 3_000), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
  });

  it.each(["ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:70/", "javascript:alert(1)"])(
    "refuses the scheme of %s",
    async (url) => {
      const obs = await probeHttp(httpSpec(url), PRIVATE_OK);
      expect(obs.error?.kind).toBe("blocked");
    },
  );

  it("reports an unparseable URL as a protocol error", async () => {
    const obs = await probeHttp(httpSpec("http://exa mple.com/"), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
  });

  it("ignores HTTP_PROXY and connects directly", async () => {
    const proxy = await startServer((_req, res) => res.end("proxied"));
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
    process.env.HTTP_PROXY = proxy.origin;
    process.env.http_proxy = proxy.origin;
    try {
      const obs = await probeHttp(httpSpec(`${server.origin}/direct`), PRIVATE_OK);
      expect(obs.statusCode).toBe(200);
      expect(proxy.connections()).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await proxy.close();
    }
  });
});
