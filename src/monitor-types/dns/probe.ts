import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import type { Observation } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { startDeadline } from "../../probe/deadline.ts";
import { parseHostPort } from "../../probe/host-port.ts";
import { blockedFailure, ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import { isAddressAllowed } from "../../probe/target-safety.ts";
import { buildTimings } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import type { DnsRecordType, DnsSettings } from "./settings.ts";

export type DnsCheckSpec = CheckSpec & { dns: DnsSettings };

const DNS_PORT = 53;

/** Queries one record type for the target name, through the given resolver or the system's. */
export async function probeDns(spec: DnsCheckSpec, options: ProbeOptions): Promise<Observation> {
  const deadline = startDeadline(spec.timeoutMs);
  // tries: 1, so the resolver's own timeout cannot stretch the check past its deadline.
  const resolver = new dnsPromises.Resolver({
    timeout: Math.min(Math.max(1, spec.timeoutMs), 2 ** 31 - 1),
    tries: 1,
  });
  const cancel = () => resolver.cancel();
  deadline.signal.addEventListener("abort", cancel, { once: true });
  try {
    if (spec.dns.resolver !== undefined) {
      resolver.setServers([formatResolver(spec.dns.resolver, options.allowPrivateTargets)]);
    }
    const name = spec.target.trim();
    if (!isPlausibleName(name)) throw new ProbeFailure("protocol", "invalid DNS name");
    const answers = await deadline.race(queryRecords(resolver, name, spec.dns.recordType));
    const dnsMs = deadline.elapsed();
    return { timings: buildTimings({ dns: dnsMs }, deadline.elapsed()), dnsAnswers: answers.sort() };
  } catch (err) {
    return { timings: buildTimings({}, deadline.elapsed()), error: toCheckError(err, deadline.expired()) };
  } finally {
    deadline.signal.removeEventListener("abort", cancel);
    deadline.dispose();
  }
}

/** `ip` or `ip:port` / `[v6]:port`, in the form setServers takes; the resolver is an egress target too. */
function formatResolver(resolver: string, allowPrivate: boolean): string {
  const { host, port } = parseHostPort(resolver, DNS_PORT);
  const family = isIP(host);
  if (family === 0) throw new ProbeFailure("protocol", "resolver must be an IP address");
  if (!isAddressAllowed(host, allowPrivate)) throw blockedFailure();
  return family === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

async function queryRecords(
  resolver: InstanceType<typeof dnsPromises.Resolver>,
  name: string,
  type: DnsRecordType,
): Promise<string[]> {
  switch (type) {
    case "A":
      return resolver.resolve4(name);
    case "AAAA":
      return resolver.resolve6(name);
    case "CNAME":
      return resolver.resolveCname(name);
    case "NS":
      return resolver.resolveNs(name);
    case "MX":
      return (await resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`);
    case "TXT":
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
  }
}

/** A query name: at most 253 characters, none of them blanks or control characters. */
function isPlausibleName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}
