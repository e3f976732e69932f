import { z } from "zod";
import type { Assertion } from "../../domain/assertion.ts";
import { hard } from "../../domain/assertions.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { defineMonitorType } from "../define.ts";
import { Hostname, HttpUrl } from "../fields.ts";
import { type DomainCheckSpec, probeDomain } from "./probe.ts";

export const DomainBlock = z
  .strictObject({
    rdapServer: HttpUrl.optional().meta({
      description:
        "The RDAP server's base URL (…/domain/<name> is appended); absent: the shipped bootstrap's.",
      example: "https://rdap.verisign.com/com/v1/",
    }),
    warnDays: z.number().int().min(0).max(365).default(30),
  })
  .default({ warnDays: 30 });

/** A domain registration's expiry from RDAP (README.md). */
export const domain = defineMonitorType<CheckSpec & DomainCheckSpec>({
  type: "domain",
  summary: "Reads a domain's registration expiry from RDAP; degraded warnDays before it, down once expired.",
  target: Hostname.refine(
    (s) => s.replace(/\.$/, "").includes("."),
    "must be a domain name such as example.com",
  ),
  settings: { domain: DomainBlock },
  probe: probeDomain,
  subjects: [
    "status",
    "latency.total",
    "domain.daysLeft",
    "domain.expiresAt",
    "domain.registrar",
    "domain.status",
  ],
  impliedAssertions(spec) {
    if (spec.assertions.some((a) => a.subject === "domain.daysLeft")) return [];
    const implied: Assertion[] = [hard({ subject: "domain.daysLeft", op: ">", value: 0 })];
    if (spec.domain.warnDays > 0)
      implied.push({ subject: "domain.daysLeft", op: ">", value: spec.domain.warnDays, severity: "soft" });
    return implied;
  },
});
