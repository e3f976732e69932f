/**
 * `udp`: send one datagram to the vetted address and wait for the first datagram back.
 * Target `host:port`. Facts: `udp.reply` (as text), `udp.replyHex`, `udp.replyBytes`.
 */
import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import { ProbeFailure } from "../../probe/probe-error.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";

export interface UdpSettings {
  /** What to send: text, or hex digits with `payloadEncoding: "hex"`. */
  payload: string;
  payloadEncoding: "text" | "hex";
  /** When given, the reply must contain this text (case-sensitive): an implied assertion on `udp.reply`. */
  expect?: string;
}

export type UdpCheckSpec = ClientCheckSpec & { udp: UdpSettings };

/** The reply's first bytes shown as hex; a datagram may be up to 64 KiB. */
const HEX_BYTES = 256;

export function probeUdp(spec: UdpCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  const settings = spec.udp;
  return runClientCheck(spec, options, 0, [], async (ctx) => {
    const { target, deadline, phases, facts } = ctx;
    if (target.port === 0) throw new ProbeFailure("protocol", "invalid target: expected host:port");
    const socket = createSocket(isIP(target.address) === 6 ? "udp6" : "udp4");
    ctx.onCleanup(() => socket.close());
    // A connected socket: only the target's datagrams arrive, and an ICMP "port unreachable"
    // comes back as ECONNREFUSED (a refused check).
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(target.port, target.address, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const payload = Buffer.from(settings.payload, settings.payloadEncoding === "hex" ? "hex" : "utf8");
    const sentAt = deadline.elapsed();
    const reply = await new Promise<Buffer>((resolve, reject) => {
      socket.once("message", (message: Buffer) => resolve(message));
      socket.once("error", reject);
      socket.send(payload, (err) => {
        if (err) reject(err);
      });
    });
    phases.firstByte = deadline.elapsed() - sentAt;
    facts["udp.reply"] = shortText(reply.toString("utf8"));
    facts["udp.replyHex"] = reply.subarray(0, HEX_BYTES).toString("hex");
    facts["udp.replyBytes"] = reply.length;
  });
}
