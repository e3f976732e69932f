import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK, PUBLIC_ONLY } from "../client-servers.test-support.ts";
import { probeUdp, type UdpCheckSpec, type UdpSettings } from "./probe.ts";

function spec(settings: Partial<UdpSettings>, target: string, timeoutMs?: number): UdpCheckSpec {
  return {
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    udp: { payload: "ping", payloadEncoding: "text", ...settings },
  };
}

async function bind(
  onMessage: (socket: Socket, msg: Buffer, rinfo: { address: string; port: number }) => void,
) {
  const socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => onMessage(socket, msg, rinfo));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, port: (socket.address() as AddressInfo).port };
}

// An echo server that answers "echo:<what it got>", and a silent one that only counts datagrams.
let echo: Awaited<ReturnType<typeof bind>>;
let silent: Awaited<ReturnType<typeof bind>>;
const received: Buffer[] = [];
let silentReceived = 0;
beforeAll(async () => {
  echo = await bind((socket, msg, rinfo) => {
    received.push(msg);
    socket.send(Buffer.concat([Buffer.from("echo:"), msg]), rinfo.port, rinfo.address);
  });
  silent = await bind(() => {
    silentReceived++;
  });
});
afterAll(() => {
  echo.socket.close();
  silent.socket.close();
});

describe("probeUdp against real UDP servers", () => {
  it("sends the payload and reads the reply", async () => {
    const obs = await probeUdp(spec({}, `127.0.0.1:${echo.port}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(received.at(-1)?.toString()).toBe("ping");
    expect(obs.facts).toMatchObject({ "udp.reply": "echo:ping", "udp.replyBytes": 9 });
    expect(obs.facts?.["udp.replyHex"]).toBe(Buffer.from("echo:ping").toString("hex"));
    expect(obs.timings.firstByte).toBeGreaterThan(0);
    expect(obs.remoteAddress).toBe("127.0.0.1");
  });

  it("sends a hex payload as bytes", async () => {
    const obs = await probeUdp(
      spec({ payload: "00ff10", payloadEncoding: "hex" }, `localhost:${echo.port}`),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(received.at(-1)).toEqual(Buffer.from([0, 255, 16]));
    expect(obs.facts?.["udp.replyHex"]).toBe(`${Buffer.from("echo:").toString("hex")}00ff10`);
  });

  it("times out when the server never answers", async () => {
    const before = silentReceived;
    const obs = await probeUdp(spec({}, `127.0.0.1:${silent.port}`, 400), PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
    await expect.poll(() => silentReceived).toBe(before + 1);
  });

  it("reports a closed port (ICMP port unreachable) as refused", async () => {
    const closed = await bind(() => {});
    closed.socket.close();
    const obs = await probeUdp(spec({}, `127.0.0.1:${closed.port}`), PRIVATE_OK);
    expect(obs.error?.kind).toBe("refused");
  });

  it.each([`127.0.0.1`, "localhost", "[::1]", "10.0.0.5", "[::ffff:127.0.0.1]"])(
    "refuses %s without the private-network opt-in, sending nothing",
    async (host) => {
      const before = received.length;
      const obs = await probeUdp(spec({}, `${host}:${echo.port}`), PUBLIC_ONLY);
      expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      expect(received.length).toBe(before);
    },
  );

  it.each(["169.254.169.254:53", "metadata.google.internal:53", "0.0.0.0:53"])(
    "refuses %s even with the opt-in",
    async (target) => {
      const obs = await probeUdp(spec({}, target), PRIVATE_OK);
      expect(obs.error?.kind).toBe("blocked");
    },
  );

  it.each(["127.0.0.1", "::1", "127.0.0.1:0", "127.0.0.1:70000", "host:port"])(
    "rejects the malformed target %s",
    async (target) => {
      const obs = await probeUdp(spec({}, target), PRIVATE_OK);
      expect(obs.error?.kind).toBe("protocol");
    },
  );
});
