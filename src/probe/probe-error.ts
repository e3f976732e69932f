import type { CheckError, ErrorKind } from "../domain/check-result.ts";

/** A failure whose kind we already know; thrown inside the probe, never out of it. */
export class ProbeFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ProbeFailure";
  }
}

/** One message for every refusal, so the answer never says why (private, metadata, by name). */
export const BLOCKED_MESSAGE = "target address is not allowed";

export function blockedFailure(): ProbeFailure {
  return new ProbeFailure("blocked", BLOCKED_MESSAGE);
}

// getaddrinfo and c-ares codes for "the name did not resolve".
const DNS_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENODATA",
  "ESERVFAIL",
  "EFORMERR",
  "ENOTIMP",
  "EREFUSED",
  "EBADRESP",
  "EBADNAME",
  "ENONAME",
  "EEOF",
]);
const RESET_CODES = new Set(["ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "ECONNABORTED", "UND_ERR_CLOSED"]);
const UNREACHABLE_CODES = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL"]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ETIMEOUT",
  "ABORT_ERR",
  "UND_ERR_ABORTED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;
const PROTOCOL_CODE = /^(HPE_|UND_ERR_|Z_|ERR_INVALID_|ERR_HTTP_)/;

const FIXED_MESSAGES: Partial<Record<ErrorKind, string>> = {
  timeout: "check timed out",
  refused: "connection refused",
  reset: "connection reset",
  unreachable: "host unreachable",
};

/**
 * Maps anything thrown during a check to a CheckError. `timedOut` wins: after the deadline every
 * error is a consequence of the abort. Network kinds get fixed messages so no address leaks.
 */
export function toCheckError(err: unknown, timedOut: boolean): CheckError {
  if (timedOut) return { kind: "timeout", message: FIXED_MESSAGES.timeout! };
  const failure = findProbeFailure(err);
  if (failure) return { kind: failure.kind, message: failure.message };
  const code = findCode(err);
  const kind = kindOfCode(code);
  const fixed = FIXED_MESSAGES[kind];
  if (fixed) return { kind, message: code ? `${fixed} (${code})` : fixed };
  return { kind, message: describeError(err, code) };
}

function kindOfCode(code: string | undefined): ErrorKind {
  if (!code) return "internal";
  if (DNS_CODES.has(code)) return "dns";
  if (code === "ECONNREFUSED") return "refused";
  if (RESET_CODES.has(code)) return "reset";
  if (UNREACHABLE_CODES.has(code)) return "unreachable";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  if (TLS_CODE.test(code)) return "tls";
  if (PROTOCOL_CODE.test(code)) return "protocol";
  return "internal";
}

/** undici and fetch-like layers wrap the socket error in `cause`; walk a few levels. */
function* walkCauses(err: unknown): Generator<unknown> {
  let current = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function findProbeFailure(err: unknown): ProbeFailure | undefined {
  for (const e of walkCauses(err)) if (e instanceof ProbeFailure) return e;
  return undefined;
}

function findCode(err: unknown): string | undefined {
  for (const e of walkCauses(err)) {
    const code = readErrorCode(e);
    if (code && code !== "UND_ERR_SOCKET") return code;
  }
  return readErrorCode(err);
}

/** The `code` of a Node or undici error, when it has a string one. */
export function readErrorCode(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null || !("code" in e)) return undefined;
  return typeof e.code === "string" ? e.code : undefined;
}

function describeError(err: unknown, code: string | undefined): string {
  const text = err instanceof Error ? err.message : String(err);
  const withCode = code && !text.includes(code) ? `${text} (${code})` : text;
  return withCode.replace(/[\r\n]+/g, " ").slice(0, 200);
}
