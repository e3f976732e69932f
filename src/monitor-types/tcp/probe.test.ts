import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckSpec } from "../../domain/monitor.ts";
import { PRIVATE_OK, PUBLIC_ONLY } from "../../probe/fixtures.test-support.ts";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { probeTcp } from "./probe.ts";

let server: Server;
let port: number;
let accepted = 0;

function tcpSpec(target: string, timeoutMs = 3_000): CheckSpec {
  return { type: "tcp", target, timeoutMs, monitorId: "mon_t", organizationId: "org_t", assertions: [] };
}

beforeAll(async () => {
  server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("probeTcp", () => {
  it("is up when the port accepts, with dns and connect timings", async () => {
    const before = accepted;
    const obs = await probeTcp(tcpSpec(`127.0.0.1:${port}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.timings.dns).toBe(0);
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.timings.connect!).toBeLessThanOrEqual(obs.timings.total);
    await new Promise((r) => setTimeout(r, 20));
    expect(accepted - before).toBe(1);
  });

  it("resolves hostnames", async () => {
    const obs = await probeTcp(tcpSpec(`localhost:${port}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.timings.dns).toBeGreaterThan(0);
  });

  it("reports a closed port as refused", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const obs = await probeTcp(tcpSpec(`127.0.0.1:${closedPort}`), PRIVATE_OK);
    expect(obs.error?.kind).toBe("refused");
  });

  it.each(["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "10.1.2.3"])(
    "refuses %s without opt-in, without connecting",
    async (host) => {
      const before = accepted;
      const obs = await probeTcp(tcpSpec(`${host}:${port}`), PUBLIC_ONLY);
      expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      expect(accepted).toBe(before);
    },
  );

  it("refuses metadata even with opt-in", async () => {
    const obs = await probeTcp(tcpSpec("169.254.169.254:80"), PRIVATE_OK);
    expect(obs.error?.kind).toBe("blocked");
  });

  it.each(["127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "::1:80", "[127.0.0.1]:80", "host:port"])(
    "rejects the malformed target %s",
    async (target) => {
      const obs = await probeTcp(tcpSpec(target), PRIVATE_OK);
      expect(obs.error?.kind).toBe("protocol");
    },
  );
});
