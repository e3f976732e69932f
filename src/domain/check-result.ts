import type { AssertionValue, AssertionVerdict } from "./assertion.ts";

/** `unknown`: Upblit could not tell (its own network or database failed); it never moves state. */
export const RESULT_STATUSES = ["up", "degraded", "down", "unknown"] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** Milliseconds per phase of one check; a phase that did not happen is absent. */
export interface Timings {
  dns?: number;
  connect?: number;
  tls?: number;
  firstByte?: number;
  total: number;
}

export const ERROR_KINDS = [
  "timeout",
  "dns",
  "refused",
  "reset",
  "unreachable",
  "tls",
  "blocked",
  "protocol",
  "too_many_redirects",
  "internal",
] as const;
/** A category of failure; public pages show only this, never the raw message. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface CheckError {
  kind: ErrorKind;
  message: string;
}

export interface CertificateInfo {
  daysLeft: number;
  validTo: string;
  hostnameMatch: boolean;
  chainValid: boolean;
  subject?: string;
  issuer?: string;
  /** SHA-256 of the certificate (lowercase hex): tells a renewed certificate from the old one. */
  fingerprint?: string;
}

/**
 * What a probe saw, before any judgement. `error` is set when the exchange itself failed
 * (no connection, timeout, blocked target); assertions then are not evaluated.
 */
export interface Observation {
  timings: Timings;
  statusCode?: number;
  headers?: Record<string, string>;
  /** The body as text, read up to the cap; only for types that judge the body. */
  body?: string;
  bodyTruncated?: boolean;
  cert?: CertificateInfo;
  dnsAnswers?: string[];
  /**
   * Readings a monitor type offers as assertion subjects of its own (`"icmp.loss": 0`), by
   * subject name; the built-in subjects read the fields above.
   */
  facts?: Record<string, AssertionValue>;
  /** The address actually connected to (for logs and the API, never for public pages). */
  remoteAddress?: string;
  error?: CheckError;
  /** A picture of the page when a browser check failed (stored with a `down` result only). */
  screenshot?: Screenshot;
}

/** An image of what a browser check saw, base64 so it travels in job payloads and thread messages. */
export interface Screenshot {
  mime: "image/jpeg" | "image/png";
  /** The image bytes, base64 (at most BROWSER_LIMITS.screenshotBytes before encoding). */
  data: string;
}

/** A judged check, as stored. */
export interface CheckResult {
  monitorId: string;
  organizationId: string;
  region: string;
  /** The due time of the slot this check filled (ms since epoch). */
  slotAt: number;
  /** When the check actually started (ms since epoch); lateness = startedAt - slotAt. */
  startedAt: number;
  manual: boolean;
  status: ResultStatus;
  statusCode?: number;
  timings: Timings;
  error?: CheckError;
  verdicts: AssertionVerdict[];
  /** The server's certificate, when the check made a TLS handshake (tls and https monitors). */
  cert?: CertificateInfo;
  /**
   * Checked by a remote probe on its own while it could not reach the server (no claim): kept
   * in history with its real times, but it never moves the monitor's state, so it can neither
   * open nor resolve an incident for a time long past (docs/remote-probes.md, "Offline").
   */
  offline?: boolean;
  /** A browser check's screenshot, kept only with a `down` result (stored in check_artifacts). */
  screenshot?: Screenshot;
}
