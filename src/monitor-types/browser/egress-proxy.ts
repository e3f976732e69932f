/**
 * The one way a browser check's page reaches the network: a small HTTP proxy on loopback
 * (CONNECT for https and websockets, absolute-URL requests for plain http) that opens every
 * connection through the probe's target safety. Chromium is told to send everything here,
 * loopback included (`<-loopback>`), and resolves no name itself (host-resolver-rules), so
 * each subresource, redirect, XHR and websocket is vetted at connect time on the address we
 * connect to: DNS rebinding cannot slip a private address past it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { monotonic } from "../../lib/clock.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import { openFirst, openTcpSocket } from "../../probe/socket-connect.ts";
import { type LookupFn, resolveSafe } from "../../probe/target-safety.ts";

export interface ProxyConnect {
  host: string;
  port: number;
  dnsMs: number;
  connectMs: number;
}

export interface EgressProxyOptions {
  allowPrivate: boolean;
  /** Ends every tunnel and request at the check's deadline. */
  signal: AbortSignal;
  /** For tests: how names are resolved (the system's resolver otherwise). */
  lookup?: LookupFn;
}

export interface EgressProxy {
  /** `http://127.0.0.1:<port>`, for Chromium's proxy setting. */
  readonly server: string;
  /** `host:port` of every connection refused by target safety, in order. */
  readonly blocked: string[];
  /** Connections made, in order (the first is normally the page's own). */
  readonly connects: ProxyConnect[];
  close(): Promise<void>;
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const blocked: string[] = [];
  const connects: ProxyConnect[] = [];
  const sockets = new Set<Socket>();
  const open = async (host: string, port: number): Promise<Socket | undefined> => {
    const started = monotonic();
    try {
      const safe = await resolveSafe(host, options.allowPrivate, options.lookup);
      const tcp = await openFirst(safe.addresses, (a) => openTcpSocket(a, port, options.signal));
      connects.push({ host, port, dnsMs: safe.dnsMs, connectMs: monotonic() - started - safe.dnsMs });
      track(tcp.opened.socket);
      return tcp.opened.socket;
    } catch (err) {
      if (err instanceof ProbeFailure && err.kind === "blocked") blocked.push(`${host}:${port}`);
      return undefined;
    }
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => sockets.delete(socket));
  };

  const server: Server = createServer((req, res) => {
    // Plain http: Chromium sends the absolute URL. Anything else (a relative path) is not ours.
    const url = parseAbsolute(req.url);
    if (url?.protocol !== "http:") {
      res.writeHead(400).end();
      return;
    }
    void open(url.hostname, Number(url.port) || 80).then((socket) => {
      if (!socket) {
        // No response at all: the page sees a failed request, not a page from us.
        req.socket.destroy();
        return;
      }
      const upstream = httpRequest(
        {
          method: req.method,
          path: `${url.pathname}${url.search}`,
          headers: forwardHeaders(req),
          // No agent: the vetted socket is the request's connection (agent: false would dial anew).
          createConnection: () => socket,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => req.socket.destroy());
      req.pipe(upstream);
    });
  });
  server.on("connection", track);
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = parseAuthority(req.url ?? "");
    if (!target) {
      client.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    void open(target.host, target.port).then((socket) => {
      if (!socket) {
        client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
  });
  // A websocket over plain http without CONNECT: forward the upgrade request as it came.
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const url = parseAbsolute(req.url);
    if (!url) {
      client.destroy();
      return;
    }
    void open(url.hostname, Number(url.port) || 80).then((socket) => {
      if (!socket) {
        client.destroy();
        return;
      }
      const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        if (!/^proxy-/i.test(req.rawHeaders[i]!))
          lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
  });
  const onAbort = () => {
    for (const s of sockets) s.destroy();
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    blocked,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        options.signal.removeEventListener("abort", onAbort);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function parseAbsolute(raw: string | undefined): URL | undefined {
  if (!raw || !/^[a-z]+:\/\//i.test(raw)) return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** `host:port` or `[v6]:port` of a CONNECT request. */
function parseAuthority(raw: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/\s]+)):(\d{1,5})$/.exec(raw);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? "", port };
}

function forwardHeaders(req: IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (/^proxy-/i.test(name)) continue;
    out.push(name, req.rawHeaders[i + 1]!);
  }
  return out;
}
