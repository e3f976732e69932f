import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpSpec, PRIVATE_OK, startServer, type TestServer } from "../../probe/fixtures.test-support.ts";
import { PATIENCE_MS } from "../../test/patience.ts";
import { type HttpCheckSpec, probeHttp } from "./probe.ts";

const MIB = 1024 * 1024;
let server: TestServer;
/** 64 MiB of zeros in about 64 KiB on the wire, compressed once (it takes seconds on a busy machine). */
const BOMB = gzipSync(Buffer.alloc(64 * MIB));
const timers = new Set<NodeJS.Timeout>();

/** Checks that should end on their own get a deadline a busy machine cannot run into. */
function bodySpec(path: string, timeoutMs = PATIENCE_MS): HttpCheckSpec {
  return {
    ...httpSpec(`${server.origin}${path}`, {}, timeoutMs),
    assertions: [{ subject: "body", op: "contains", value: "x", severity: "hard" }],
  };
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    req.resume();
    switch (req.url) {
      case "/trickle": {
        res.writeHead(200, { "content-type": "text/plain" });
        const timer = setInterval(() => res.write("."), 100);
        timers.add(timer);
        res.on("close", () => clearInterval(timer));
        return;
      }
      case "/silent":
        return; // never answers
      case "/big":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(Buffer.alloc(5 * MIB, "a"));
      case "/gzip":
        res.writeHead(200, { "content-encoding": "gzip" });
        return res.end(gzipSync("compressed hello"));
      case "/br":
        res.writeHead(200, { "content-encoding": "br" });
        return res.end(brotliCompressSync("brotli hello"));
      case "/bomb":
        // 64 MiB of zeros in about 64 KiB on the wire.
        res.writeHead(200, { "content-encoding": "gzip" });
        return res.end(BOMB);
      default:
        res.end("ok");
    }
  });
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await server.close();
});

// `/trickle` sends a byte every 100 ms forever and `/silent` never answers: only the check's own
// deadline can end these checks, so a `timeout` result (rather than a hang, which the test's
// timeout reports) shows the deadline held. How late after the deadline the check returned is not
// asserted: on a busy machine timers fire late, and that says nothing about the probe.
describe("probeHttp limits", () => {
  it("ends a slow-loris body at the deadline", async () => {
    const started = performance.now();
    const obs = await probeHttp(bodySpec("/trickle", 600), PRIVATE_OK);
    const elapsed = performance.now() - started;
    expect(obs.error?.kind).toBe("timeout");
    // Not earlier: the deadline is the whole check's, and it ran out.
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(obs.timings.total).toBeGreaterThanOrEqual(590);
  });

  it("ends a slow body at the deadline even when the body is only drained", async () => {
    const started = performance.now();
    const obs = await probeHttp(httpSpec(`${server.origin}/trickle`, {}, 500), PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(490);
  });

  it("times out a server that never answers", async () => {
    const started = performance.now();
    const obs = await probeHttp(httpSpec(`${server.origin}/silent`, {}, 400), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "timeout", message: "check timed out" });
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.timings.firstByte).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("cuts a 5 MiB body at maxBodyBytes", async () => {
    const obs = await probeHttp(bodySpec("/big"), { ...PRIVATE_OK, maxBodyBytes: MIB });
    expect(obs.error).toBeUndefined();
    expect(obs.bodyTruncated).toBe(true);
    expect(obs.body?.length).toBe(MIB);
  });

  it("does not flag a body that fits", async () => {
    const obs = await probeHttp(bodySpec("/plain"), PRIVATE_OK);
    expect(obs).toMatchObject({ body: "ok", bodyTruncated: false });
  });

  it("decompresses gzip and brotli bodies", async () => {
    expect((await probeHttp(bodySpec("/gzip"), PRIVATE_OK)).body).toBe("compressed hello");
    expect((await probeHttp(bodySpec("/br"), PRIVATE_OK)).body).toBe("brotli hello");
  });

  it("caps a compression bomb after decompression", async () => {
    const obs = await probeHttp(bodySpec("/bomb"), { ...PRIVATE_OK, maxBodyBytes: 256 * 1024 });
    expect(obs.error).toBeUndefined();
    expect(obs.bodyTruncated).toBe(true);
    expect(obs.body?.length).toBe(256 * 1024);
  });
});
