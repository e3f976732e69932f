/** Rules for the custom domains of status pages; pure, no IO. */

/** The label under a domain whose TXT record proves ownership: `_upblit-challenge.<domain>`. */
export const CHALLENGE_LABEL = "_upblit-challenge";

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The canonical form of a domain someone typed: trimmed, lower case, without one trailing dot.
 * Internationalised names must be given in their ASCII (punycode, `xn--`) form.
 */
export function normalizeDomain(input: string): string {
  return input.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * Why `domain` (normalised) cannot be a status page's domain, or undefined when it can: a
 * hostname of at least two labels of letters, digits and inner hyphens, at most 253 characters,
 * whose last label is not all digits (so no IP addresses), and not a name that only exists locally.
 */
export function domainProblem(domain: string): string | undefined {
  if (domain.length === 0 || domain.length > 253) return "must be 1–253 characters";
  const labels = domain.split(".");
  if (labels.length < 2) return "must have at least two labels, e.g. status.example.com";
  if (!labels.every((label) => LABEL.test(label)))
    return "labels are 1–63 letters, digits and inner hyphens (use the xn-- form for other scripts)";
  const tld = labels.at(-1) ?? "";
  if (/^[0-9]+$/.test(tld)) return "must be a name, not an IP address";
  if (["localhost", "local", "internal", "test", "invalid", "example"].includes(tld))
    return "must be a public domain name";
  return undefined;
}

/** The host a request names in its Host header, normalised and without the port; undefined if absent. */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const host = header.startsWith("[") ? header : header.replace(/:\d*$/, "");
  return normalizeDomain(host);
}
