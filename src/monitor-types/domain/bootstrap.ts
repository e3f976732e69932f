/**
 * Which RDAP server answers for a top-level domain: a subset of IANA's RDAP bootstrap file
 * (https://data.iana.org/rdap/dns.json, RFC 9224), in its own shape, shipped with Upblit because
 * probes may have no route to IANA. A TLD missing here needs `domain.rdapServer`.
 */
const SERVICES: ReadonlyArray<readonly [readonly string[], string]> = [
  [["com"], "https://rdap.verisign.com/com/v1/"],
  [["net"], "https://rdap.verisign.com/net/v1/"],
  [["cc"], "https://tld-rdap.verisign.com/cc/v1/"],
  [["name"], "https://tld-rdap.verisign.com/name/v1/"],
  [["org"], "https://rdap.publicinterestregistry.org/rdap/"],
  [["info", "pro", "io"], "https://rdap.identitydigital.services/rdap/"],
  [["xyz"], "https://rdap.centralnic.com/xyz/"],
  [["dev", "app", "page"], "https://pubapi.registry.google/rdap/"],
];

const BY_TLD = new Map(SERVICES.flatMap(([tlds, base]) => tlds.map((tld) => [tld, base] as const)));

/** The shipped RDAP base URL for a domain's TLD (`example.com` → Verisign's), or undefined. */
export function rdapBaseFor(domain: string): string | undefined {
  const tld = domain.split(".").at(-1) ?? "";
  return BY_TLD.get(tld);
}
