import { checkServerIdentity, type PeerCertificate, type TLSSocket } from "node:tls";
import type { CertificateInfo } from "../domain/check-result.ts";
import { readErrorCode } from "./probe-error.ts";

const DAY_MS = 86_400_000;
const HOSTNAME_ERROR = "ERR_TLS_CERT_ALTNAME_INVALID";

/** What the peer's leaf certificate says, judged against the hostname the user asked for. */
export function readCertificate(
  socket: TLSSocket,
  hostname: string,
  now = Date.now(),
): CertificateInfo | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert?.valid_to) return undefined;
  const validTo = new Date(cert.valid_to);
  const problem = certificateProblem(socket);
  const info: CertificateInfo = {
    daysLeft: Math.floor((validTo.getTime() - now) / DAY_MS),
    validTo: validTo.toISOString(),
    hostnameMatch: checkServerIdentity(hostname, cert) === undefined,
    // Node folds the hostname check into `authorized`; the chain is fine when that was the only problem.
    chainValid: problem === undefined || problem === HOSTNAME_ERROR,
  };
  const subject = commonName(cert.subject);
  const issuer = commonName(cert.issuer);
  if (subject) info.subject = subject;
  if (issuer) info.issuer = issuer;
  if (cert.fingerprint256) info.fingerprint = cert.fingerprint256.replaceAll(":", "").toLowerCase();
  return info;
}

/** Why the handshake would have been refused with verification on, or undefined when it is trusted. */
export function certificateProblem(socket: TLSSocket): string | undefined {
  if (socket.authorized) return undefined;
  // Typed as Error, but Node stores the OpenSSL/Node code as a string here.
  const reason: unknown = socket.authorizationError;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error) return readErrorCode(reason) ?? reason.message;
  return "UNABLE_TO_VERIFY_CERTIFICATE";
}

function commonName(name: PeerCertificate["subject"] | undefined): string | undefined {
  const cn: unknown = name?.CN;
  if (typeof cn === "string") return cn;
  if (Array.isArray(cn) && typeof cn[0] === "string") return cn[0];
  return undefined;
}
