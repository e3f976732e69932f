import { z } from "zod";
import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { Hostname, HostPort } from "../fields.ts";
import { probeSmtp, type SmtpCheckSpec } from "./probe.ts";

export const SmtpBlock = z
  .strictObject({
    ehloName: Hostname.default("upblit.localhost"),
    startTls: z.boolean().default(false),
    tls: TlsSwitch,
    verifyTls: VerifyTls,
  })
  .default({ ehloName: "upblit.localhost", startTls: false, tls: false, verifyTls: true });

/** An SMTP banner and EHLO, optionally upgraded with STARTTLS (README.md). */
export const smtp = defineMonitorType<CheckSpec & SmtpCheckSpec>({
  type: "smtp",
  summary:
    "Reads an SMTP server's banner and says EHLO, optionally upgrading with STARTTLS; reports the certificate.",
  target: HostPort,
  settings: { smtp: SmtpBlock },
  refine(input, ctx) {
    if (input.smtp.tls && input.smtp.startTls)
      ctx.addIssue({
        code: "custom",
        path: ["smtp", "startTls"],
        message: "choose tls or startTls, not both",
      });
  },
  probe: probeSmtp,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "latency.tls",
    "latency.firstByte",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "smtp.banner",
    "smtp.code",
    "smtp.extensions",
    "smtp.tls",
  ],
  // With TLS, an expired certificate is down (as for tls monitors) unless the user judges it.
  impliedAssertions(spec) {
    const implied: Assertion[] = [];
    const tls = spec.smtp.tls || spec.smtp.startTls;
    if (tls && !spec.assertions.some((a) => a.subject === "cert.daysLeft"))
      implied.push(hard({ subject: "cert.daysLeft", op: ">", value: 0 }));
    return implied;
  },
});
