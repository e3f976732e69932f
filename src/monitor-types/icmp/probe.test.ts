import { describe, expect, it } from "vitest";
import { BLOCKED_MESSAGE } from "../../probe/probe-error.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK, PUBLIC_ONLY } from "../client-servers.test-support.ts";
import { judgeObservation } from "../run.ts";
import { readPingOutput } from "./ping-output.ts";
import { type IcmpCheckSpec, probeIcmp } from "./probe.ts";

function spec(target: string, count = 3, timeoutMs?: number): IcmpCheckSpec {
  return {
    type: "icmp",
    monitorId: "mon_i",
    organizationId: "org_i",
    assertions: [],
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    icmp: { count },
  };
}

describe("probeIcmp with the system ping, on loopback", () => {
  it("pings 127.0.0.1: no loss, round trips measured", async () => {
    const s = spec("127.0.0.1");
    const obs = await probeIcmp(s, PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts).toMatchObject({ "icmp.sent": 3, "icmp.received": 3, "icmp.loss": 0 });
    expect(obs.facts?.["icmp.rttAvg"]).toBeGreaterThan(0);
    expect(obs.facts?.["icmp.rttMin"]).toBeLessThanOrEqual(obs.facts?.["icmp.rttMax"] as number);
    expect(obs.facts?.["icmp.jitter"]).toBeGreaterThanOrEqual(0);
    expect(judgeObservation(s, obs).status).toBe("up");
  });

  it("resolves a name first and pings the vetted address", async () => {
    const obs = await probeIcmp(spec("localhost", 1), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(["127.0.0.1", "::1"]).toContain(obs.remoteAddress);
    expect(obs.facts?.["icmp.received"]).toBe(1);
  });

  it.each(["127.0.0.1", "localhost", "::1", "10.0.0.5", "::ffff:127.0.0.1"])(
    "refuses %s without the private-network opt-in",
    async (target) => {
      const obs = await probeIcmp(spec(target), PUBLIC_ONLY);
      expect(obs.error).toEqual({ kind: "blocked", message: BLOCKED_MESSAGE });
      expect(obs.facts).toBeUndefined();
    },
  );

  it.each(["169.254.169.254", "metadata.google.internal", "0.0.0.0"])(
    "refuses %s even with the opt-in",
    async (target) => {
      const obs = await probeIcmp(spec(target), PRIVATE_OK);
      expect(obs.error?.kind).toBe("blocked");
    },
  );

  it("stops ping at the deadline", async () => {
    // Ten probes 200 ms apart need about 1.8 s; the check has 300 ms.
    const obs = await probeIcmp(spec("127.0.0.1", 10, 300), PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
  });
});

describe("readPingOutput", () => {
  it("counts replies once, computes loss, rtt and jitter", () => {
    const output = [
      "PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.",
      "64 bytes from 192.0.2.1: icmp_seq=1 ttl=57 time=10.0 ms",
      "64 bytes from 192.0.2.1: icmp_seq=1 ttl=57 time=12.0 ms (DUP!)",
      "64 bytes from 192.0.2.1: icmp_seq=3 ttl=57 time=14.0 ms",
      "64 bytes from 192.0.2.1: icmp_seq=4 ttl=57 time=11.0 ms",
      "",
      "--- 192.0.2.1 ping statistics ---",
      "4 packets transmitted, 3 received, +1 duplicates, 25% packet loss, time 603ms",
    ].join("\n");
    expect(readPingOutput(output, 4)).toEqual({
      sent: 4,
      received: 3,
      loss: 25,
      rttMin: 10,
      rttAvg: 11.667,
      rttMax: 14,
      jitter: 3.5,
    });
  });

  it("is 100 % loss without a reply", () => {
    expect(readPingOutput("4 packets transmitted, 0 received, 100% packet loss", 4)).toEqual({
      sent: 4,
      received: 0,
      loss: 100,
    });
  });
});
