import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { monotonic } from "../lib/clock.ts";
import { timeoutFailure } from "./deadline.ts";

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
