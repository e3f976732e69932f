/**
 * `domain`: the registration's expiry from RDAP (RFC 9083): GET `<server>/domain/<name>` through
 * the probe's safe fetch (the SSRF-safe connector, no redirects, a bounded body), then the
 * `expiration` event. Facts: `domain.daysLeft`, `domain.expiresAt`, `domain.registrar`,
 * `domain.status`.
 */
import { domainToASCII } from "node:url";
import type { Observation } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { startDeadline } from "../../probe/deadline.ts";
import { ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import { createSafeFetch } from "../../probe/safe-fetch.ts";
import { buildTimings } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { shortText } from "../client-redact.ts";
import { rdapBaseFor } from "./bootstrap.ts";

export interface DomainSettings {
  /** The RDAP server's base URL; absent: the shipped bootstrap's server for the TLD. */
  rdapServer?: string;
  /** Degraded (a soft implied assertion) this many days before expiry; down once expired. */
  warnDays: number;
}

export type DomainCheckSpec = CheckSpec & { domain: DomainSettings };

const DAY_MS = 86_400_000;

export async function probeDomain(spec: DomainCheckSpec, options: ProbeOptions): Promise<Observation> {
  const deadline = startDeadline(spec.timeoutMs);
  const facts: Record<string, string | number> = {};
  let statusCode: number | undefined;
  try {
    await deadline.race(
      (async () => {
        const name = domainToASCII(spec.target.trim().toLowerCase().replace(/\.$/, ""));
        if (!name.includes(".")) throw new ProbeFailure("protocol", "invalid target: expected a domain name");
        const base = spec.domain.rdapServer ?? rdapBaseFor(name);
        if (!base)
          throw new ProbeFailure(
            "protocol",
            `no RDAP server known for .${name.split(".").at(-1)}; set domain.rdapServer`,
          );
        const url = `${base.endsWith("/") ? base : `${base}/`}domain/${encodeURIComponent(name)}`;
        const fetch = createSafeFetch({
          allowPrivate: options.allowPrivateTargets,
          timeoutMs: Math.max(1, Math.ceil(spec.timeoutMs - deadline.elapsed())),
          userAgent: options.userAgent,
        });
        const res = await fetch(url, {
          method: "GET",
          headers: { accept: "application/rdap+json, application/json" },
          signal: deadline.signal,
        });
        statusCode = res.status;
        if (res.status === 404) throw new ProbeFailure("protocol", "domain not found in RDAP (404)");
        if (res.status !== 200) throw new ProbeFailure("protocol", `RDAP server answered ${res.status}`);
        readRdap(await res.json().catch(() => undefined), facts);
      })(),
    );
    return finish({ timings: buildTimings({}, deadline.elapsed()) });
  } catch (err) {
    return finish({
      timings: buildTimings({}, deadline.elapsed()),
      error: toCheckError(err, deadline.expired()),
    });
  } finally {
    deadline.dispose();
  }

  function finish(observation: Observation): Observation {
    if (statusCode !== undefined) observation.statusCode = statusCode;
    if (Object.keys(facts).length > 0) observation.facts = facts;
    return observation;
  }
}

interface RdapDomain {
  events?: Array<{ eventAction?: unknown; eventDate?: unknown }>;
  status?: unknown[];
  entities?: Array<{ roles?: unknown[]; vcardArray?: unknown }>;
}

function readRdap(body: unknown, facts: Record<string, string | number>): void {
  if (typeof body !== "object" || body === null)
    throw new ProbeFailure("protocol", "RDAP answer is not JSON");
  const rdap = body as RdapDomain;
  const expiration = (Array.isArray(rdap.events) ? rdap.events : []).find(
    (e) => e?.eventAction === "expiration",
  );
  const expiresAt = typeof expiration?.eventDate === "string" ? new Date(expiration.eventDate) : undefined;
  if (expiresAt && !Number.isNaN(expiresAt.getTime())) {
    facts["domain.expiresAt"] = expiresAt.toISOString();
    facts["domain.daysLeft"] = Math.floor((expiresAt.getTime() - Date.now()) / DAY_MS);
  }
  if (Array.isArray(rdap.status))
    facts["domain.status"] = shortText(rdap.status.filter((s) => typeof s === "string").join(", "), 300);
  const registrar = (Array.isArray(rdap.entities) ? rdap.entities : []).find(
    (e) => Array.isArray(e?.roles) && e.roles.includes("registrar"),
  );
  const fn = registrarName(registrar?.vcardArray);
  if (fn) facts["domain.registrar"] = shortText(fn, 200);
}

/** The `fn` property of a jCard (RFC 7095): `["vcard", [["fn", {}, "text", "Name"], …]]`. */
function registrarName(vcard: unknown): string | undefined {
  if (!Array.isArray(vcard) || !Array.isArray(vcard[1])) return undefined;
  for (const prop of vcard[1] as unknown[]) {
    if (Array.isArray(prop) && prop[0] === "fn" && typeof prop[3] === "string") return prop[3];
  }
  return undefined;
}
