import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { onCleanup } from "./cleanup.ts";

export interface ByteRelay {
  /** http://127.0.0.1:<port>: connect here instead of to the upstream. */
  url: string;
  /** Bytes carried so far: from the clients to the upstream, and back. */
  bytes(): { up: number; down: number };
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A TCP relay in this process between a client (a remote probe) and 127.0.0.1:`port` (the API),
 * counting the bytes that cross it in each direction: the bytes a probe puts on the wire (TCP
 * payload: HTTP/1.1 headers and bodies; no TLS on loopback, no IP/TCP headers).
 */
export async function startByteRelay(port: number): Promise<ByteRelay> {
  let up = 0;
  let down = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    const upstream = connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.on("data", (chunk: Buffer) => {
      up += chunk.length;
    });
    upstream.on("data", (chunk: Buffer) => {
      down += chunk.length;
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  onCleanup(close, "the byte relay");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => ({ up, down }),
    connections: () => connections,
    close,
  };
}
