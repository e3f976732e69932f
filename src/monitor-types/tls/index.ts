import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { probeTls } from "./probe.ts";

/** A TLS handshake with host:port that reports the certificate (README.md). */
export const tls = defineMonitorType({
  type: "tls",
  summary: "Handshakes with host:port and reports the certificate; down when expired or for another name.",
  target: HostPort,
  settings: {},
  probe: probeTls,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "latency.tls",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
  ],
  impliedAssertions(spec) {
    const user = (subject: string) => spec.assertions.some((a) => a.subject === subject);
    const implied: Assertion[] = [];
    if (!user("cert.daysLeft")) implied.push(hard({ subject: "cert.daysLeft", op: ">", value: 0 }));
    if (!user("cert.hostnameMatch"))
      implied.push(hard({ subject: "cert.hostnameMatch", op: "==", value: true }));
    return implied;
  },
});
