import { createSocket, type Socket } from "node:dgram";
import * as dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVATE_OK, PUBLIC_ONLY } from "../../probe/fixtures.test-support.ts";
import { type DnsCheckSpec, probeDns } from "./probe.ts";
import type { DnsRecordType } from "./settings.ts";

const NXDOMAIN = 3;

/** The test zone; answers are deliberately unsorted. */
const ZONE: Record<string, dnsPacket.Answer[]> = {
  "www.test.upblit/A": [
    { type: "A", name: "www.test.upblit", ttl: 60, data: "192.0.2.11" },
    { type: "A", name: "www.test.upblit", ttl: 60, data: "192.0.2.10" },
  ],
  "www.test.upblit/AAAA": [{ type: "AAAA", name: "www.test.upblit", ttl: 60, data: "2001:db8::10" }],
  "alias.test.upblit/CNAME": [{ type: "CNAME", name: "alias.test.upblit", ttl: 60, data: "www.test.upblit" }],
  "test.upblit/MX": [
    { type: "MX", name: "test.upblit", ttl: 60, data: { preference: 20, exchange: "mx2.test.upblit" } },
    { type: "MX", name: "test.upblit", ttl: 60, data: { preference: 10, exchange: "mx1.test.upblit" } },
  ],
  "test.upblit/TXT": [
    { type: "TXT", name: "test.upblit", ttl: 60, data: ["v=spf1 ", "-all"] },
    { type: "TXT", name: "test.upblit", ttl: 60, data: "hello" },
  ],
  "test.upblit/NS": [
    { type: "NS", name: "test.upblit", ttl: 60, data: "ns2.test.upblit" },
    { type: "NS", name: "test.upblit", ttl: 60, data: "ns1.test.upblit" },
  ],
};
const EXISTING_NAMES = new Set(Object.keys(ZONE).map((k) => k.split("/")[0]));

let server: Socket;
let silent: Socket;
let resolver: string;
let silentResolver: string;

function answer(query: dnsPacket.DecodedPacket): Buffer {
  const question = query.questions?.[0];
  const key = `${question?.name.toLowerCase()}/${question?.type}`;
  const known = EXISTING_NAMES.has(question?.name.toLowerCase() ?? "");
  return dnsPacket.encode({
    type: "response",
    id: query.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : NXDOMAIN),
    questions: query.questions ?? [],
    answers: ZONE[key] ?? [],
  });
}

async function bindUdp(onMessage?: (socket: Socket, msg: Buffer, port: number, address: string) => void) {
  const socket = createSocket("udp4");
  if (onMessage) socket.on("message", (msg, rinfo) => onMessage(socket, msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, address: `127.0.0.1:${socket.address().port}` };
}

beforeAll(async () => {
  const main = await bindUdp((socket, msg, port, address) => {
    socket.send(answer(dnsPacket.decode(msg)), port, address);
  });
  server = main.socket;
  resolver = main.address;
  const quiet = await bindUdp();
  silent = quiet.socket;
  silentResolver = quiet.address;
});

afterAll(() => {
  server.close();
  silent.close();
});

function dnsSpec(
  target: string,
  recordType: DnsRecordType,
  resolverAddress = resolver,
  timeoutMs = 2_000,
): DnsCheckSpec {
  return {
    type: "dns",
    dns: { recordType, resolver: resolverAddress },
    target,
    timeoutMs,
    monitorId: "mon_d",
    organizationId: "org_d",
    assertions: [],
  };
}

describe("probeDns", () => {
  it.each([
    ["www.test.upblit", "A", ["192.0.2.10", "192.0.2.11"]],
    ["www.test.upblit", "AAAA", ["2001:db8::10"]],
    ["alias.test.upblit", "CNAME", ["www.test.upblit"]],
    ["test.upblit", "MX", ["10 mx1.test.upblit", "20 mx2.test.upblit"]],
    ["test.upblit", "TXT", ["hello", "v=spf1 -all"]],
    ["test.upblit", "NS", ["ns1.test.upblit", "ns2.test.upblit"]],
  ] as const)("answers %s %s, sorted", async (name, type, expected) => {
    const obs = await probeDns(dnsSpec(name, type), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.dnsAnswers).toEqual(expected);
    expect(obs.timings.dns).toBeGreaterThan(0);
    expect(obs.timings.dns!).toBeLessThanOrEqual(obs.timings.total);
  });

  it("reports NXDOMAIN as a dns error", async () => {
    const obs = await probeDns(dnsSpec("missing.test.upblit", "A"), PRIVATE_OK);
    expect(obs.error?.kind).toBe("dns");
    expect(obs.dnsAnswers).toBeUndefined();
  });

  it("reports a name without records of the type as a dns error", async () => {
    const obs = await probeDns(dnsSpec("test.upblit", "A"), PRIVATE_OK);
    expect(obs.error?.kind).toBe("dns");
  });

  it("times out within timeoutMs when the resolver never answers", async () => {
    const started = performance.now();
    const obs = await probeDns(dnsSpec("www.test.upblit", "A", silentResolver, 500), PRIVATE_OK);
    // The resolver never answers, so only the deadline can end the check (a hang would run into
    // the test's timeout); how late after it the check returned depends on the machine's load.
    expect(obs.error?.kind).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(490);
  });

  it("refuses a private resolver without opt-in", async () => {
    const obs = await probeDns(dnsSpec("www.test.upblit", "A"), PUBLIC_ONLY);
    expect(obs.error?.kind).toBe("blocked");
  });

  it.each(["169.254.169.254", "[fd00:ec2::254]:53"])("refuses the metadata resolver %s always", async (r) => {
    const obs = await probeDns(dnsSpec("www.test.upblit", "A", r), PRIVATE_OK);
    expect(obs.error?.kind).toBe("blocked");
  });

  it("refuses a resolver given by name", async () => {
    const obs = await probeDns(dnsSpec("www.test.upblit", "A", "dns.example:53"), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
  });
});
