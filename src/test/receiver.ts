/** A local HTTP receiver for channel and webhook tests; not a test file itself. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PATIENCE_MS, scaledDeadline } from "./patience.ts";

export interface Received {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  at: number;
}

export type Responder = (req: Received, res: ServerResponse) => void;

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: Received[];
  /** How to answer from now on (default: 200 `{"ok":true}`). */
  respond(responder: Responder): void;
  /** Answer `status` with an optional body and headers from now on. */
  answer(status: number, body?: string, headers?: Record<string, string>): void;
  /** Resolves once `n` requests have arrived (default 1), or fails after `timeoutMs`. */
  waitFor(n?: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 that records every request and answers as told. */
export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  let responder: Responder = (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  };
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      requests.push(received);
      for (const w of waiters.splice(0)) w();
      responder(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    respond(r) {
      responder = r;
    },
    answer(status, body = "", headers = {}) {
      responder = (_req, res) => {
        res.writeHead(status, headers);
        res.end(body);
      };
    },
    async waitFor(n = 1, timeoutMs = PATIENCE_MS) {
      const deadline = scaledDeadline(timeoutMs);
      while (requests.length < n) {
        if (deadline.expired()) {
          throw new Error(`receiver got ${requests.length} of ${n} requests in ${deadline.waitedMs()} ms`);
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 200);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return requests.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
