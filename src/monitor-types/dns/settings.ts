import { isIP } from "node:net";
import { z } from "zod";

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export interface DnsSettings {
  recordType: DnsRecordType;
  /** `ip` or `ip:port`; the system resolver when absent. */
  resolver?: string;
  /** When given, every expected value must be among the answers. */
  expected?: string[];
}

const HostPortIp = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/;

export const DnsBlock = z.strictObject({
  recordType: z.enum(DNS_RECORD_TYPES).default("A"),
  resolver: z
    .string()
    .max(60)
    .refine((s) => isIP(s) !== 0 || HostPortIp.test(s), "must be an IP address, optionally with :port")
    .optional(),
  expected: z.array(z.string().min(1).max(512)).max(20).optional(),
});
