import { type AddressInfo, createServer as createNetServer } from "node:net";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckSpec } from "../../domain/monitor.ts";
import { createCert, PRIVATE_OK, PUBLIC_ONLY, type TestCert } from "../../probe/fixtures.test-support.ts";
import { probeTls } from "./probe.ts";

const servers: Server[] = [];

async function startTlsServer(cert: TestCert): Promise<number> {
  const server = createServer(cert, (socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function tlsSpec(target: string, timeoutMs = 3_000): CheckSpec {
  return { type: "tls", target, timeoutMs, monitorId: "mon_t", organizationId: "org_t", assertions: [] };
}

let fresh: number;
let otherName: number;
let expired: number;

beforeAll(async () => {
  const [a, b, c] = await Promise.all([
    createCert("localhost", -1, 60),
    createCert("other.example", -1, 60),
    createCert("localhost", -40, -10),
  ]);
  [fresh, otherName, expired] = await Promise.all([startTlsServer(a), startTlsServer(b), startTlsServer(c)]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe("probeTls", () => {
  it("reports a fresh self-signed certificate", async () => {
    const obs = await probeTls(tlsSpec(`localhost:${fresh}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.cert).toMatchObject({
      hostnameMatch: true,
      chainValid: false,
      subject: "localhost",
      issuer: "localhost",
    });
    expect(obs.cert?.daysLeft).toBeGreaterThanOrEqual(59);
    expect(obs.cert?.daysLeft).toBeLessThanOrEqual(60);
    expect(Date.parse(obs.cert?.validTo ?? "")).toBeGreaterThan(Date.now());
    const t = obs.timings;
    expect(t.connect).toBeGreaterThan(0);
    expect(t.tls).toBeGreaterThan(0);
    expect(t.dns! + t.connect! + t.tls!).toBeLessThanOrEqual(t.total + 0.03);
  });

  it("reports a certificate for another name as a hostname mismatch", async () => {
    const obs = await probeTls(tlsSpec(`localhost:${otherName}`), PRIVATE_OK);
    expect(obs.cert).toMatchObject({ hostnameMatch: false, subject: "other.example" });
  });

  it("reports an expired certificate with negative daysLeft", async () => {
    const obs = await probeTls(tlsSpec(`localhost:${expired}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.cert?.daysLeft).toBeLessThanOrEqual(-10);
    expect(obs.cert?.chainValid).toBe(false);
  });

  it("fails with tls when the port does not speak TLS", async () => {
    const plain = createNetServer((s) => {
      s.resume(); // read the ClientHello, or the server never sees our FIN and close() waits
      s.end("SSH-2.0-nope\r\n");
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      const obs = await probeTls(tlsSpec(`127.0.0.1:${(plain.address() as AddressInfo).port}`), PRIVATE_OK);
      expect(obs.error?.kind).toBe("tls");
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it("refuses private targets without opt-in", async () => {
    const obs = await probeTls(tlsSpec(`localhost:${fresh}`), PUBLIC_ONLY);
    expect(obs.error?.kind).toBe("blocked");
    expect(obs.cert).toBeUndefined();
  });
});
