import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import ipaddr from "ipaddr.js";
import { monotonic } from "../lib/clock.ts";
import { blockedFailure, ProbeFailure } from "./probe-error.ts";

/** `public`: always allowed; `private`: allowed only with opt-in; `forbidden`: never. */
type AddressClass = "public" | "private" | "forbidden";

/** Cloud metadata and credential endpoints (AWS IMDS/ECS/EKS, GCP, Azure, Alibaba): never reachable. */
const METADATA_ADDRESSES = [
  "169.254.169.254",
  "169.254.170.2",
  "169.254.170.23",
  "100.100.100.200",
  "168.63.129.16",
  "fd00:ec2::254",
  "fd00:ec2::23",
].map((a) => addressKey(ipaddr.parse(a)));

const METADATA_HOSTNAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);

const HOSTNAME_SHAPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
const ASCII_OR_UNICODE_LABELS = /^[a-z0-9._\u0080-\uffff-]+$/;
const NAT64_LOCAL = ipaddr.IPv6.parseCIDR("64:ff9b:1::/48");
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** True when a probe may connect to this IP literal. Anything that is not a strict IP literal is refused. */
export function isAddressAllowed(ip: string, allowPrivate: boolean): boolean {
  const literal = stripBrackets(ip);
  if (isIP(literal) === 0) return false;
  const cls = classifyAddress(ipaddr.parse(literal));
  return cls === "public" || (cls === "private" && allowPrivate);
}

function classifyAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): AddressClass {
  if (METADATA_ADDRESSES.includes(addressKey(addr))) return "forbidden";
  return addr instanceof ipaddr.IPv4 ? classifyV4(addr) : classifyV6(addr);
}

/** The address bytes only: a zone id (`fe80::1%eth0`) must not make a metadata address look new. */
function addressKey(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  return `${addr.kind()}:${addr.toByteArray().join(".")}`;
}

function classifyV4(addr: ipaddr.IPv4): AddressClass {
  const range = addr.range();
  if (range === "unicast") return "public";
  // Never a unicast destination; 0.0.0.0 is also a classic way to reach the local host.
  if (range === "unspecified" || range === "broadcast" || range === "multicast") return "forbidden";
  return "private";
}

function classifyV6(addr: ipaddr.IPv6): AddressClass {
  const embedded = extractEmbeddedV4(addr);
  if (embedded) return classifyAddress(embedded);
  const range = addr.range();
  if (range === "unspecified" || range === "multicast") return "forbidden";
  if (range === "unicast" && addr.match(GLOBAL_UNICAST_V6)) return "public";
  return "private";
}

/** IPv6 forms that carry an IPv4 address a socket or gateway would really reach: judge that address. */
function extractEmbeddedV4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = addr.parts;
  const low = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = addr.range();
  if (range === "ipv4Mapped" || range === "rfc6145") return low(p[6]!, p[7]!);
  if (range === "rfc6052" && !addr.match(NAT64_LOCAL)) return low(p[6]!, p[7]!);
  if (range === "6to4") return low(p[1]!, p[2]!);
  // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it); :: and ::1 are not.
  const compatible = p.slice(0, 6).every((x) => x === 0) && (p[6] !== 0 || p[7]! > 1);
  return compatible ? low(p[6]!, p[7]!) : null;
}

export interface LookupAnswer {
  address: string;
  family: number;
}

export type LookupFn = (hostname: string) => Promise<LookupAnswer[]>;

export interface SafeAddress {
  address: string;
  family: 4 | 6;
  dnsMs: number;
  /** Every answer, all vetted, in resolver order (the first is `address`); for connect fallback. */
  addresses: string[];
}

const lookupAll: LookupFn = (hostname) => dnsPromises.lookup(hostname, { all: true, verbatim: true });

/** `[::1]` → `::1`, lower-cased, without a trailing root dot. */
export function normalizeHostname(hostname: string): string {
  return stripBrackets(hostname.trim()).toLowerCase().replace(/\.$/, "");
}

/**
 * Resolves a hostname and refuses it when ANY answer is not allowed, so a dual-stack name cannot
 * smuggle a private address. The caller must connect to the returned address (pinning).
 */
export async function resolveSafe(
  hostname: string,
  allowPrivate: boolean,
  lookupFn: LookupFn = lookupAll,
): Promise<SafeAddress> {
  const literal = normalizeHostname(hostname);
  const family = isIP(literal);
  if (family !== 0) {
    if (!isAddressAllowed(literal, allowPrivate)) throw blockedFailure();
    return { address: literal, family: family === 6 ? 6 : 4, dnsMs: 0, addresses: [literal] };
  }
  // URLs arrive already punycoded; host:port targets may not. domainToASCII drops or truncates
  // at some ASCII characters ("x/y" → "x"), so ASCII is checked before and after conversion.
  const host = ASCII_OR_UNICODE_LABELS.test(literal) ? domainToASCII(literal) : "";
  if (!HOSTNAME_SHAPE.test(host)) throw new ProbeFailure("protocol", "invalid target host");
  if (METADATA_HOSTNAMES.has(host)) throw blockedFailure();
  const started = monotonic();
  const answers = await lookupFn(host);
  const dnsMs = monotonic() - started;
  const first = answers[0];
  if (!first) throw new ProbeFailure("dns", "no address found");
  if (!answers.every((a) => isAddressAllowed(a.address, allowPrivate))) throw blockedFailure();
  const addresses = answers.map((a) => a.address);
  return { address: first.address, family: first.family === 6 ? 6 : 4, dnsMs, addresses };
}

function stripBrackets(host: string): string {
  const bracketed = host.startsWith("[") && host.endsWith("]") && host.includes(":");
  return bracketed ? host.slice(1, -1) : host;
}
