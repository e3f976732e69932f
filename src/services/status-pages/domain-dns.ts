import { promises as dnsPromises } from "node:dns";
import { CHALLENGE_LABEL } from "../../domain/domain-name.ts";

/** How long one verification may wait for the DNS answer. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** DNS errors that mean "no such record" rather than "could not ask". */
const NO_RECORD = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN"]);

/** What the challenge record of a domain holds: its TXT strings (chunks joined), or why we could not tell. */
export type ChallengeAnswer = { records: string[] } | { error: string };

/**
 * Reads the TXT records of `_upblit-challenge.<domain>` through `resolver` (an `ip[:port]` the
 * operator configured, STATUS_DOMAIN_RESOLVER) or the system's resolvers. A missing name or record
 * is an empty answer; timeouts and server failures are errors.
 */
export async function lookupChallenge(
  domain: string,
  resolver: string | undefined,
): Promise<ChallengeAnswer> {
  const dns = new dnsPromises.Resolver({ timeout: LOOKUP_TIMEOUT_MS, tries: 2 });
  if (resolver) dns.setServers([resolver]);
  try {
    const records = await dns.resolveTxt(`${CHALLENGE_LABEL}.${domain}`);
    return { records: records.map((chunks) => chunks.join("").trim()) };
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (NO_RECORD.has(code)) return { records: [] };
    return { error: code || "lookup failed" };
  }
}
