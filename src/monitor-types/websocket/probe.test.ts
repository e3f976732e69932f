import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { createCert } from "../../probe/fixtures.test-support.ts";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { scaledTimeout } from "../../test/patience.ts";
import {
  PRIVATE_OK,
  PUBLIC_ONLY,
  type SilentServer,
  startSilentServer,
} from "../client-servers.test-support.ts";
import { probeWebsocket, type WebsocketCheckSpec, type WebsocketSettings } from "./probe.ts";

function spec(settings: Partial<WebsocketSettings>, target: string, timeoutMs?: number): WebsocketCheckSpec {
  return {
    type: "websocket",
    monitorId: "mon_w",
    organizationId: "org_w",
    assertions: [],
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    websocket: { subprotocols: [], verifyTls: true, ...settings },
  };
}

/**
 * A real ws server: /echo answers "echo:<message>", /greet sends "hello" on open, /deny refuses
 * the upgrade with 403, /quiet never says a word. Counts the connections it accepted.
 */
async function startWs(server: Server): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has("upblit.v1") ? "upblit.v1" : false),
    verifyClient: (info, done) => (info.req.url === "/deny" ? done(false, 403) : done(true)),
  });
  wss.on("connection", (socket, req) => {
    accepted++;
    if (req.url === "/greet") socket.send("hello");
    if (req.url === "/echo") socket.on("message", (data) => socket.send(`echo:${data.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

let plain: { port: number; accepted: () => number };
let secure: { port: number; accepted: () => number };
let silent: SilentServer;
const servers: Server[] = [];
beforeAll(async () => {
  const { key, cert } = await createCert("ws.upblit.test", -1, 45);
  const http = createHttpServer();
  const https = createHttpsServer({ key, cert });
  servers.push(http, https);
  plain = await startWs(http);
  secure = await startWs(https);
  silent = await startSilentServer();
});
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await silent.close();
});

describe("probeWebsocket against real ws servers", () => {
  it("upgrades and closes cleanly, with the phases timed", async () => {
    const before = plain.accepted();
    const obs = await probeWebsocket(spec({}, `ws://127.0.0.1:${plain.port}/echo`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.statusCode).toBe(101);
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.timings.firstByte).toBeGreaterThan(0);
    expect(obs.facts?.["websocket.closeMs"]).toBeGreaterThanOrEqual(0);
    expect(obs.facts?.["websocket.message"]).toBeUndefined();
    expect(plain.accepted()).toBe(before + 1);
  });

  it("sends a message and reads the answer, with a negotiated subprotocol", async () => {
    const obs = await probeWebsocket(
      spec({ send: "ping", subprotocols: ["upblit.v1"] }, `ws://localhost:${plain.port}/echo`),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts).toMatchObject({ "websocket.message": "echo:ping", "websocket.protocol": "upblit.v1" });
    expect(obs.facts?.["websocket.messageMs"]).toBeGreaterThan(0);
  });

  it("waits for the server's first message when only expect is given", async () => {
    const obs = await probeWebsocket(
      spec({ expect: "hello" }, `ws://127.0.0.1:${plain.port}/greet`),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["websocket.message"]).toBe("hello");
  });

  it("reports a refused upgrade's status (judged down by the implied status == 101)", async () => {
    const obs = await probeWebsocket(spec({}, `ws://127.0.0.1:${plain.port}/deny`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.statusCode).toBe(403);
  });

  it("times out when no message comes", async () => {
    const obs = await probeWebsocket(
      spec({ expect: "x" }, `ws://127.0.0.1:${plain.port}/quiet`, 500),
      PRIVATE_OK,
    );
    expect(obs.error?.kind).toBe("timeout");
    expect(obs.statusCode).toBe(101);
  });

  it("speaks wss and reports the certificate; refuses it untrusted with verifyTls", async () => {
    const target = `wss://127.0.0.1:${secure.port}/echo`;
    const lax = await probeWebsocket(spec({ send: "s", verifyTls: false }, target), PRIVATE_OK);
    expect(lax.error).toBeUndefined();
    expect(lax.facts?.["websocket.message"]).toBe("echo:s");
    expect(lax.cert?.daysLeft).toBeGreaterThanOrEqual(44);
    expect(lax.timings.tls).toBeGreaterThan(0);
    const before = secure.accepted();
    const strict = await probeWebsocket(spec({}, target), PRIVATE_OK);
    expect(strict.error?.kind).toBe("tls");
    expect(strict.cert?.chainValid).toBe(false);
    expect(secure.accepted()).toBe(before);
  });

  it("times out on a server that accepts the connection and never answers the upgrade", async () => {
    const obs = await probeWebsocket(spec({}, `ws://127.0.0.1:${silent.port}/`, 400), PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
  });

  it.each(["127.0.0.1", "localhost", "[::1]", "10.0.0.5", "[::ffff:127.0.0.1]"])(
    "refuses %s without the private-network opt-in, before connecting",
    async (host) => {
      const before = plain.accepted();
      const obs = await probeWebsocket(spec({}, `ws://${host}:${plain.port}/echo`), PUBLIC_ONLY);
      expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      expect(plain.accepted()).toBe(before);
    },
  );

  it.each(["ws://169.254.169.254/", "wss://metadata.google.internal/", "ws://0.0.0.0:80/"])(
    "refuses %s even with the opt-in",
    async (target) => {
      const obs = await probeWebsocket(spec({}, target), PRIVATE_OK);
      expect(obs.error?.kind).toBe("blocked");
    },
  );

  it.each(["http://127.0.0.1/", "127.0.0.1:80", "ws//x"])(
    "rejects the malformed target %s",
    async (target) => {
      const obs = await probeWebsocket(spec({}, target), PRIVATE_OK);
      expect(obs.error?.kind).toBe("protocol");
    },
  );
});
