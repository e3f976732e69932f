import { hard } from "../../domain/assertions.ts";
import { defineMonitorType } from "../define.ts";
import { Hostname } from "../fields.ts";
import { type DnsCheckSpec, probeDns } from "./probe.ts";
import { DnsBlock } from "./settings.ts";

/** A DNS query for one record type; every expected value must be answered (README.md). */
export const dns = defineMonitorType<DnsCheckSpec>({
  type: "dns",
  summary: "Queries one record type of a name; every expected value must be among the answers.",
  target: Hostname,
  settings: { dns: DnsBlock },
  probe: probeDns,
  subjects: ["latency.total", "latency.dns", "dns.answers"],
  impliedAssertions(spec) {
    const expected = spec.dns.expected;
    if (!expected || expected.length === 0) return [];
    return [hard({ subject: "dns.answers", op: "contains", value: [...expected] })];
  },
});
