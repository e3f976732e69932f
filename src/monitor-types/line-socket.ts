/**
 * Reads a line protocol (NATS, SMTP) from a socket the probe opened: whole CRLF lines and
 * length-prefixed payloads, each bounded, so a server cannot make a check hold unbounded memory.
 * Every read ends with the socket: a close or an error rejects the pending read.
 */
import type { Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { timeoutFailure } from "../probe/deadline.ts";
import { ProbeFailure } from "../probe/probe-error.ts";
import { sniName } from "./client-values.ts";

/** Longer lines are a protocol error (NATS INFO is a few kB; SMTP lines are at most 512 bytes). */
export const MAX_LINE_BYTES = 64 * 1024;

export class LineSocket {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failure: unknown;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.wake();
  };
  private readonly onEnd = (err?: unknown) => {
    this.failure ??=
      err instanceof Error ? err : new ProbeFailure("reset", "connection closed by the server");
    this.wake();
  };

  constructor(readonly socket: Socket) {
    socket.on("data", this.onData);
    socket.on("error", this.onEnd);
    socket.on("close", () => this.onEnd());
  }

  /** The next line without its CRLF (or LF). */
  async readLine(): Promise<string> {
    for (;;) {
      const at = this.buffer.indexOf(10);
      if (at >= 0) {
        const line = this.buffer.subarray(0, at).toString("utf8").replace(/\r$/, "");
        this.buffer = this.buffer.subarray(at + 1);
        return line;
      }
      if (this.buffer.length > MAX_LINE_BYTES) throw new ProbeFailure("protocol", "server line too long");
      await this.more();
    }
  }

  /** Exactly `n` bytes (a payload whose length the protocol announced). */
  async readBytes(n: number): Promise<Buffer> {
    while (this.buffer.length < n) await this.more();
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /**
   * Upgrades the connection to TLS in place (SMTP STARTTLS, NATS after INFO); the returned reader
   * reads the encrypted stream. Certificates are reported and judged by the caller.
   */
  async startTls(hostname: string, signal: AbortSignal): Promise<{ lines: LineSocket; tls: TLSSocket }> {
    if (this.buffer.length > 0)
      throw new ProbeFailure("protocol", "server sent data before the TLS handshake");
    this.socket.off("data", this.onData);
    const tls = tlsConnect({ socket: this.socket, servername: sniName(hostname), rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => fail(timeoutFailure());
      const fail = (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        tls.destroy();
        reject(err);
      };
      tls.once("secureConnect", () => {
        signal.removeEventListener("abort", onAbort);
        tls.off("error", fail);
        resolve();
      });
      tls.once("error", fail);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    return { lines: new LineSocket(tls), tls };
  }

  private more(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
