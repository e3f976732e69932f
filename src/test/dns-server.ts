/** A DNS server on 127.0.0.1 (UDP) for tests that look up TXT records; not a test file itself. */
import { createSocket } from "node:dgram";
import * as dnsPacket from "dns-packet";

const NXDOMAIN = 3;
const SERVFAIL = 2;

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for STATUS_DOMAIN_RESOLVER. */
  address: string;
  /** Sets (or with `undefined`, removes) the TXT strings of a name. */
  setTxt(name: string, values: string[] | undefined): void;
  /** Names answered with SERVFAIL (a broken zone). */
  failing: Set<string>;
  /** Questions asked so far, as `name/type`. */
  asked: string[];
  close(): Promise<void>;
}

/** Starts a tiny authoritative server: TXT answers from a mutable zone, NXDOMAIN for the rest. */
export async function startTestDnsServer(): Promise<TestDnsServer> {
  const zone = new Map<string, string[]>();
  const failing = new Set<string>();
  const asked: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    const question = query.questions?.[0];
    const name = question?.name.toLowerCase() ?? "";
    asked.push(`${name}/${question?.type}`);
    const values = question?.type === "TXT" ? zone.get(name) : undefined;
    const rcode = failing.has(name) ? SERVFAIL : zone.has(name) ? 0 : NXDOMAIN;
    const answer = dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
      questions: query.questions ?? [],
      answers: (values ?? []).map((data) => ({ type: "TXT" as const, name, ttl: 60, data })),
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    setTxt: (name, values) =>
      values ? zone.set(name.toLowerCase(), values) : zone.delete(name.toLowerCase()),
    failing,
    asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
