import { z } from "zod";
import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { probeUdp, type UdpCheckSpec } from "./probe.ts";

export const UdpBlock = z
  .strictObject({
    payload: z.string().max(2048).default(""),
    payloadEncoding: z.enum(["text", "hex"]).default("text"),
    expect: z.string().min(1).max(1024).optional().meta({
      description: "The reply must contain this text (case-sensitive).",
    }),
  })
  .default({ payload: "", payloadEncoding: "text" });

/** One datagram out, the first one back (README.md). */
export const udp = defineMonitorType<CheckSpec & UdpCheckSpec>({
  type: "udp",
  summary: "Sends one UDP datagram to host:port and waits for a reply, which may have to contain a text.",
  target: HostPort,
  settings: { udp: UdpBlock },
  refine(input, ctx) {
    const { payload, payloadEncoding } = input.udp;
    if (payloadEncoding === "hex" && !/^([0-9a-fA-F]{2})*$/.test(payload))
      ctx.addIssue({ code: "custom", path: ["udp", "payload"], message: "must be pairs of hex digits" });
  },
  probe: probeUdp,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.firstByte",
    "udp.reply",
    "udp.replyHex",
    "udp.replyBytes",
  ],
  impliedAssertions(spec) {
    const implied: Assertion[] = [];
    const expected = spec.udp.expect;
    if (expected !== undefined && !spec.assertions.some((a) => a.subject === "udp.reply"))
      implied.push(hard({ subject: "udp.reply", op: "contains", value: expected, caseSensitive: true }));
    return implied;
  },
});
