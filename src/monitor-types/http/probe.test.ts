import type { IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCert,
  httpSpec,
  PRIVATE_OK,
  startServer,
  type TestCert,
  type TestServer,
} from "../../probe/fixtures.test-support.ts";
import { probeHttp } from "./probe.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let plain: TestServer;
let secure: TestServer;
let expired: TestServer;
let localhostCert: TestCert;
const seen: Seen[] = [];

beforeAll(async () => {
  const record = (req: import("node:http").IncomingMessage, body: string) =>
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
  plain = await startServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      record(req, body);
      res.writeHead(200, { "content-type": "text/plain", "X-Custom-Reply": "Yes" });
      res.end("hello");
    });
  });
  localhostCert = await createCert("localhost", -1, 30);
  secure = await startServer((_req, res) => res.end("secure"), localhostCert);
  expired = await startServer((_req, res) => res.end("old"), await createCert("localhost", -30, -2));
});

afterAll(async () => {
  await Promise.all([plain.close(), secure.close(), expired.close()]);
});

describe("probeHttp over plain http", () => {
  it("returns 200 with every phase timed, in order, and lower-cased headers", async () => {
    const obs = await probeHttp(httpSpec(`${plain.origin}/ok`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.statusCode).toBe(200);
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.headers?.["x-custom-reply"]).toBe("Yes");
    const t = obs.timings;
    expect(t.dns).toBeGreaterThanOrEqual(0);
    expect(t.connect).toBeGreaterThan(0);
    expect(t.tls).toBeUndefined();
    expect(t.firstByte).toBeGreaterThan(0);
    // Rounding to 0.01 ms can add up to 0.02 over two phases.
    expect(t.dns! + t.connect!).toBeLessThanOrEqual(t.firstByte! + 0.02);
    expect(t.firstByte!).toBeLessThanOrEqual(t.total);
    // A plain http check does not keep the body.
    expect(obs.body).toBeUndefined();
  });

  it("reads the body for keyword checks", async () => {
    const spec = {
      ...httpSpec(`${plain.origin}/kw`),
      type: "keyword" as const,
      keyword: { keyword: "hello", mode: "contains" as const, caseSensitive: false },
    };
    const obs = await probeHttp(spec, PRIVATE_OK);
    expect(obs.body).toBe("hello");
    expect(obs.bodyTruncated).toBe(false);
  });

  it("sends method, body, custom headers and the user agent", async () => {
    const spec = httpSpec(`${plain.origin}/post?q=1`, {
      method: "POST",
      body: '{"a":1}',
      headers: { "Content-Type": "application/json", "X-Trace": "abc" },
    });
    const obs = await probeHttp(spec, PRIVATE_OK);
    expect(obs.statusCode).toBe(200);
    const req = seen.find((s) => s.url === "/post?q=1");
    expect(req).toMatchObject({ method: "POST", body: '{"a":1}' });
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["x-trace"]).toBe("abc");
    expect(req?.headers["user-agent"]).toBe(PRIVATE_OK.userAgent);
    expect(req?.headers["accept-encoding"]).toBe("gzip, deflate, br");
  });

  it("sends basic auth", async () => {
    const spec = httpSpec(`${plain.origin}/basic`, {
      auth: { type: "basic", username: "ann", password: "s3:cr" },
    });
    await probeHttp(spec, PRIVATE_OK);
    const req = seen.find((s) => s.url === "/basic");
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from("ann:s3:cr").toString("base64")}`);
  });

  it("sends bearer auth", async () => {
    await probeHttp(
      httpSpec(`${plain.origin}/bearer`, { auth: { type: "bearer", token: "tok_1" } }),
      PRIVATE_OK,
    );
    expect(seen.find((s) => s.url === "/bearer")?.headers.authorization).toBe("Bearer tok_1");
  });

  it.each([
    ["CRLF", "a\r\nX-Injected: 1"],
    ["LF", "a\nb"],
    ["NUL", "a\0b"],
  ])("refuses a header value with %s and sends nothing", async (_name, value) => {
    const before = plain.connections();
    const obs = await probeHttp(
      httpSpec(`${plain.origin}/inject`, { headers: { "X-Bad": value } }),
      PRIVATE_OK,
    );
    expect(obs.error?.kind).toBe("protocol");
    expect(plain.connections()).toBe(before);
    expect(seen.some((s) => s.url === "/inject")).toBe(false);
  });

  it("refuses a bearer token with CRLF", async () => {
    const obs = await probeHttp(
      httpSpec(`${plain.origin}/t`, { auth: { type: "bearer", token: "x\r\nY: z" } }),
      PRIVATE_OK,
    );
    expect(obs.error?.kind).toBe("protocol");
  });

  it("opens a fresh connection for every check", async () => {
    const before = plain.connections();
    for (let i = 0; i < 3; i++) {
      expect((await probeHttp(httpSpec(`${plain.origin}/fresh`), PRIVATE_OK)).statusCode).toBe(200);
    }
    expect(plain.connections() - before).toBe(3);
  });

  it("reports a closed port as refused", async () => {
    const gone = await startServer((_req, res) => res.end());
    await gone.close();
    const obs = await probeHttp(httpSpec(`${gone.origin}/`), PRIVATE_OK);
    expect(obs.error?.kind).toBe("refused");
  });
});

describe("probeHttp over https", () => {
  it("refuses a self-signed certificate when verifying, but still reports it", async () => {
    const obs = await probeHttp(httpSpec(`https://localhost:${secure.port}/`), PRIVATE_OK);
    expect(obs.error?.kind).toBe("tls");
    expect(obs.statusCode).toBeUndefined();
    expect(obs.cert?.chainValid).toBe(false);
  });

  it("accepts it without verification and reports timings and the certificate", async () => {
    const spec = httpSpec(`https://localhost:${secure.port}/`, { verifyTls: false });
    const obs = await probeHttp(spec, PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.statusCode).toBe(200);
    const t = obs.timings;
    expect(t.tls).toBeGreaterThan(0);
    expect(t.dns! + t.connect! + t.tls!).toBeLessThanOrEqual(t.firstByte! + 0.03);
    expect(t.firstByte!).toBeLessThanOrEqual(t.total);
    expect(obs.cert).toMatchObject({ chainValid: false, hostnameMatch: true, subject: "localhost" });
    expect(obs.cert?.daysLeft).toBeGreaterThanOrEqual(29);
    expect(obs.cert?.daysLeft).toBeLessThanOrEqual(30);
  });

  it("reports an expired certificate with negative daysLeft", async () => {
    const obs = await probeHttp(
      httpSpec(`https://localhost:${expired.port}/`, { verifyTls: false }),
      PRIVATE_OK,
    );
    expect(obs.statusCode).toBe(200);
    expect(obs.cert?.daysLeft).toBeLessThan(0);
    const verified = await probeHttp(httpSpec(`https://localhost:${expired.port}/`), PRIVATE_OK);
    expect(verified.error?.kind).toBe("tls");
  });

  it("reports a hostname mismatch when reached by IP", async () => {
    const obs = await probeHttp(httpSpec(`${secure.origin}/`, { verifyTls: false }), PRIVATE_OK);
    expect(obs.cert?.hostnameMatch).toBe(true); // selfsigned adds 127.0.0.1 for "localhost"
    const other = await startServer((_req, res) => res.end(), await createCert("other.example"));
    try {
      const mismatch = await probeHttp(httpSpec(`${other.origin}/`, { verifyTls: false }), PRIVATE_OK);
      expect(mismatch.cert?.hostnameMatch).toBe(false);
    } finally {
      await other.close();
    }
  });
});
