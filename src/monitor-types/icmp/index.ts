import { z } from "zod";
import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { defineMonitorType } from "../define.ts";
import { Hostname } from "../fields.ts";
import { type IcmpCheckSpec, probeIcmp } from "./probe.ts";

export const IcmpBlock = z
  .strictObject({ count: z.number().int().min(1).max(10).default(3) })
  .default({ count: 3 });

/** Ping with the system's ping (README.md: what the probe host needs). */
export const icmp = defineMonitorType<CheckSpec & IcmpCheckSpec>({
  type: "icmp",
  summary:
    "Pings a host (ICMP echo, the system's ping); reports loss and round-trip times; down when nothing answers.",
  target: Hostname,
  settings: { icmp: IcmpBlock },
  probe: probeIcmp,
  subjects: [
    "latency.total",
    "latency.dns",
    "icmp.loss",
    "icmp.sent",
    "icmp.received",
    "icmp.rttMin",
    "icmp.rttAvg",
    "icmp.rttMax",
    "icmp.jitter",
  ],
  impliedAssertions(spec) {
    const implied: Assertion[] = [];
    if (!spec.assertions.some((a) => a.subject === "icmp.loss"))
      implied.push(hard({ subject: "icmp.loss", op: "<", value: 100 }));
    return implied;
  },
});
