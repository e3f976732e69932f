import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledDeadline, scaledTimeout } from "../../test/patience.ts";
import { closedPort, PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { type NatsCheckSpec, type NatsSettings, probeNats } from "./probe.ts";
import { type NatsResponder, startNatsResponder } from "./responder.test-support.ts";

// The NATS server of this machine (docs/development.md), without auth on 4222.
const SERVER = "127.0.0.1:4222";
const SUBJECT = `upblit.probe-test.${process.pid}-${Date.now()}`;
const USER = "upblit-test";
const PASSWORD = `nats-pw-${process.pid}`;

function spec(settings: Partial<NatsSettings> = {}, target = SERVER, timeoutMs?: number): NatsCheckSpec {
  return {
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    nats: { tls: false, verifyTls: true, ...settings },
  };
}

let responder: NatsResponder;
beforeAll(async () => {
  responder = await startNatsResponder(SUBJECT);
});
afterAll(() => {
  responder.close();
});

describe("probeNats against the real server", () => {
  it("logs in and pings, reporting the server version", async () => {
    const obs = await probeNats(spec(), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts?.["nats.version"]).toMatch(/^2\./);
    expect(obs.facts?.["nats.roundTripMs"]).toBeGreaterThan(0);
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.facts?.["nats.reply"]).toBeUndefined();
  });

  it("makes a request through the server and reads the responder's answer", async () => {
    const before = responder.answered();
    const obs = await probeNats(
      spec({ request: { subject: SUBJECT, payload: "hi" } }, "localhost:4222"),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["nats.reply"]).toBe("pong:hi");
    expect(obs.facts?.["nats.requestMs"]).toBeGreaterThan(0);
    expect(responder.answered()).toBe(before + 1);
  });

  it("fails at once when nobody answers on the subject (no responders)", async () => {
    const obs = await probeNats(spec({ request: { subject: `${SUBJECT}.nobody`, payload: "" } }), PRIVATE_OK);
    expect(obs.error).toEqual({ kind: "protocol", message: "no responders on the subject" });
  });

  it("fails when TLS is asked for and the server does not offer it", async () => {
    const obs = await probeNats(spec({ tls: true }, SERVER, 2_000), PRIVATE_OK);
    expect(["tls", "reset", "timeout"]).toContain(obs.error?.kind);
  });
});

describe("probeNats against a server with a password (started by the test)", () => {
  let server: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
    server = spawn(
      "/usr/sbin/nats-server",
      ["-a", "127.0.0.1", "-p", String(port), "--user", USER, "--pass", PASSWORD],
      { stdio: "ignore" },
    );
    // Up once it answers at all (a refusal for the missing password is an answer).
    const deadline = scaledDeadline(20_000);
    while ((await probeNats(spec({}, `127.0.0.1:${port}`, 1_000), PRIVATE_OK)).error?.kind === "refused") {
      if (deadline.expired()) throw new Error("nats-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    server.kill();
  });

  it("logs in with the right password", async () => {
    const obs = await probeNats(
      spec({ username: USER, password: PASSWORD }, `127.0.0.1:${port}`),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
  });

  it("a wrong password is the server's refusal, never the password", async () => {
    const wrong = `${PASSWORD}-wrong`;
    const obs = await probeNats(spec({ username: USER, password: wrong }, `127.0.0.1:${port}`), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toMatch(/Authorization Violation/i);
    expect(JSON.stringify(obs)).not.toContain(wrong);
  });
});

describeTargetSafety("nats", 4222, (target, options, timeoutMs) =>
  probeNats(spec({}, target, timeoutMs), options),
);
