import { isIP, connect as netConnect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { monotonic } from "../lib/clock.ts";
import { timeoutFailure } from "./deadline.ts";
import { readErrorCode } from "./probe-error.ts";

export interface TcpOpened {
  socket: Socket;
  connectMs: number;
}

export interface TlsOpened {
  socket: TLSSocket;
  connectMs: number;
  tlsMs: number;
}

/** Connects to an address that resolveSafe already vetted; `address` must be an IP literal (no lookup). */
export async function openTcpSocket(address: string, port: number, signal: AbortSignal): Promise<TcpOpened> {
  const started = monotonic();
  const socket = netConnect({ host: address, port });
  await waitReady(socket, "connect", signal);
  return { socket, connectMs: monotonic() - started };
}

/**
 * TLS to a vetted address, SNI = the original hostname. Verification is never delegated to
 * rejectUnauthorized: callers read `authorized` after the handshake so they can report the
 * certificate even when it is bad, then refuse it themselves before sending a byte.
 */
export async function openTlsSocket(
  address: string,
  port: number,
  hostname: string,
  signal: AbortSignal,
  alpn?: string[],
): Promise<TlsOpened> {
  const started = monotonic();
  let connectedAt: number | undefined;
  const socket = tlsConnect({
    host: address,
    port,
    // RFC 6066 forbids IP literals in SNI; Node then checks identity against `host`, the same IP.
    servername: isIP(hostname) === 0 ? hostname : undefined,
    rejectUnauthorized: false,
    ALPNProtocols: alpn,
  });
  socket.once("connect", () => {
    connectedAt = monotonic();
  });
  await waitReady(socket, "secureConnect", signal);
  const readyAt = monotonic();
  const connected = connectedAt ?? readyAt;
  return { socket, connectMs: connected - started, tlsMs: readyAt - connected };
}

function waitReady(socket: Socket, event: "connect" | "secureConnect", signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      socket.off(event, onReady);
      socket.off("error", onError);
      signal.removeEventListener("abort", onAbort);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (err: unknown) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onAbort = () => onError(timeoutFailure());
    socket.once(event, onReady);
    socket.once("error", onError);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

// The address itself is unusable (no route, nobody listening): another vetted answer may work.
const FALLBACK_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
]);

/**
 * Opens a connection to the first vetted address that accepts one, in resolver order (a
 * poor man's happy eyeballs: an AAAA answer without an IPv6 route must not fail the check).
 */
export async function openFirst<T>(
  addresses: string[],
  open: (address: string) => Promise<T>,
): Promise<{ opened: T; address: string; failedMs: number }> {
  const started = monotonic();
  let lastError: unknown;
  for (const address of addresses) {
    const attemptStarted = monotonic();
    try {
      return { opened: await open(address), address, failedMs: attemptStarted - started };
    } catch (err) {
      lastError = err;
      if (!FALLBACK_CODES.has(readErrorCode(err) ?? "")) throw err;
    }
  }
  // Made only when it is thrown: an error's stack costs more than a whole loopback connect.
  throw lastError ?? new Error("no address to connect to");
}
