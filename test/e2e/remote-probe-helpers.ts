import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import type { UpblitProcess } from "./helpers.ts";

/** Shared by the remote-probe end-to-end tests: log lines, raw protocol calls, a proxy and a relay. */
interface LogLine {
  msg: string;
  monitorId?: string;
  slotAt?: number;
  status?: string;
}

/** The JSON log lines of a probe process that report a finished check. */
export function checkedSlots(p: UpblitProcess, monitorId: string): number[] {
  return p
    .stdout()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.msg.startsWith("checked ") && l.monitorId === monitorId)
    .map((l) => l.slotAt!);
}

export async function send(base: string, token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * A forward proxy on loopback, as a probe behind a corporate proxy would meet: CONNECT tunnels and
 * absolute-form requests both work; it counts what went through it.
 */
export async function startProxy(): Promise<{ url: string; used: () => number; close(): Promise<void> }> {
  let used = 0;
  const server = createServer((req, res) => {
    used++;
    const target = new URL(req.url ?? "/");
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, socket, head) => {
    used++;
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host!, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    used: () => used,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP relay the test can cut (every connection dropped, new ones reset) and restore. */
export async function startRelay(
  port: number,
): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  let cut = false;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
