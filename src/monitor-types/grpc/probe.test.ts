import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCert } from "../../probe/fixtures.test-support.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { decodeResponse, encodeResponse } from "./health-codec.ts";
import { type HealthServer, startHealthServer } from "./health-server.test-support.ts";
import { type GrpcCheckSpec, type GrpcSettings, probeGrpc } from "./probe.ts";

function spec(settings: Partial<GrpcSettings>, target: string, timeoutMs?: number): GrpcCheckSpec {
  return {
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    grpc: { service: "", tls: false, verifyTls: true, ...settings },
  };
}

let plain: HealthServer;
let secure: HealthServer;
beforeAll(async () => {
  plain = await startHealthServer();
  plain.statuses.set("orders.v1.Orders", "NOT_SERVING");
  const { key, cert } = await createCert("localhost", -1, 30);
  secure = await startHealthServer({ key, cert });
});
afterAll(async () => {
  await plain?.close();
  await secure?.close();
});

describe("probeGrpc against a real grpc-js health server", () => {
  it("reads SERVING for the whole server", async () => {
    const before = plain.calls();
    const obs = await probeGrpc(spec({}, `127.0.0.1:${plain.port}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["grpc.status"]).toBe("SERVING");
    expect(obs.facts?.["grpc.callMs"]).toBeGreaterThan(0);
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(plain.calls()).toBe(before + 1);
  });

  it("reads a named service's status", async () => {
    const obs = await probeGrpc(spec({ service: "orders.v1.Orders" }, `localhost:${plain.port}`), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["grpc.status"]).toBe("NOT_SERVING");
  });

  it("reports an unknown service as the server's NOT_FOUND", async () => {
    const obs = await probeGrpc(spec({ service: "nope.Service" }, `127.0.0.1:${plain.port}`), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain("NOT_FOUND");
  });

  it("speaks TLS; an untrusted certificate fails with verifyTls", async () => {
    const lax = await probeGrpc(
      spec({ tls: true, verifyTls: false }, `localhost:${secure.port}`),
      PRIVATE_OK,
    );
    expect(lax.error).toBeUndefined();
    expect(lax.facts?.["grpc.status"]).toBe("SERVING");
    const before = secure.calls();
    const strict = await probeGrpc(spec({ tls: true }, `localhost:${secure.port}`), PRIVATE_OK);
    expect(strict.error?.kind).toBe("tls");
    expect(secure.calls()).toBe(before);
  });

  it("fails when TLS is asked for and the server speaks plaintext", async () => {
    const obs = await probeGrpc(
      spec({ tls: true, verifyTls: false }, `127.0.0.1:${plain.port}`, 2_000),
      PRIVATE_OK,
    );
    expect(obs.error).toBeDefined();
  });

  it("encodes and decodes the health messages", () => {
    for (const status of ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] as const)
      expect(decodeResponse(encodeResponse({ status }))).toEqual({ status });
    // Unknown fields (a string in field 2) are skipped.
    expect(decodeResponse(Buffer.from([0x12, 0x01, 0x41, 0x08, 0x01]))).toEqual({ status: "SERVING" });
  });
});

describeTargetSafety("grpc", 50051, (target, options, timeoutMs) =>
  probeGrpc(spec({}, target, timeoutMs), options),
);
